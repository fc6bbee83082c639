"""From-scratch reference of `gold.training_input` (domain `recsys`), written only from
specs/recsys.md, the general reading rules and timestamp formats of
specs/subscriptions.md, specs/landing.md and the DDL iceberg_ddl/gold/training_input.sql.
Plain Python (pyarrow only to read Parquet files); no Spark, no import of the job code.

One row per item of the winning delivery of each impression `(dt, ranking_id)`, with the
customer's most recent actions (click 1, cart 2, order 3) in
`[dt 00:00 UTC - lookback_days x 24 h, dt 00:00 UTC)`, ordered by time desc, type desc,
item id asc, cut to 1000 and padded with zeros to exactly 1000.

Readings of the spec
- Files: `<landing>/recsys/<source>/ingest_date=YYYY-MM-DD/<file>`; only folders whose name
  is exactly `ingest_date=<valid date>` count, and only regular files directly inside them,
  in name order (Python code-point order of the file name). A name ending in `.parquet`
  (any case) is Parquet, everything else NDJSON.
- NDJSON: the bytes are split on `\\n`; a line that is empty or whitespace only is not a
  record; a line that is not UTF-8, not strict JSON (NaN/Infinity refused) or not a JSON
  object is `invalid_json`. A Parquet file that cannot be read contributes no record.
- Parquet values are taken as the JSON values they would be; native Parquet types map
  naturally: a `date` value is a valid date for `dt`/`order_date`, a timestamp value is a
  valid time (naive = UTC). A timestamp value in a date field, or a date value in a time
  field, is invalid (the spec's "a timestamp field holding a bare date is invalid").
- Strings are trimmed; an empty string counts as missing, exactly like null or absent.
- Ids (`customer_id`, `item_id`, `config_id`, element `item_id`) are JSON integers or
  strings of the form `[+-]digits` after trimming; booleans, fractional numbers (also
  `5.0`, `"5.0"`) and values outside the column's range (int64 for customer_id, int32 for
  item ids) are not ids and count as missing (`missing_customer_id` / `missing_item_id`,
  `invalid_impressions` inside an impressions array).
- `ranking_id` must be a JSON string (trimmed, non-empty); any other type is
  `missing_ranking_id`. The key is the trimmed string.
- Timestamps: `YYYY-MM-DDTHH:MM:SS[.f+](Z|+-HH:MM|+-HHMM)?` or `YYYY-MM-DD HH:MM:SS[.f+]`
  (the space layout never with a zone); `T`/`Z` upper-case only; a fraction of any length
  is truncated (not rounded) to microseconds; fields must be a real calendar date/time
  (no second 60, no hour 24), offsets up to +-23:59. A JSON number is not a timestamp.
- Dates (`dt`, `order_date`) accept only `YYYY-MM-DD` of a real calendar date.
- A time field that is missing (absent, null, blank) falls back to the date field's
  00:00 UTC; a time that is present is used even when the date field is missing or bad
  (the date is then never looked at). Clicks/carts fall back to `dt`, orders to
  `order_date`.
- Impressions: `impressions` absent, null or an empty/blank string is a null array:
  a valid record whose delivery wins and gives no rows. Any other non-array, or an array
  with an element that is not an object with an integer `item_id`, is
  `invalid_impressions` for the whole record (a quarantined record never replaces a
  valid delivery).
- `is_order` is nullable: JSON `true`/`false` only; absent, null or any other value
  (including the string "true") gives None.
- The winning delivery per `(dt, ranking_id)` is the greatest (ingest_date, file name,
  line/row index in the file) among valid records; its customer_id is the row's.
- Actions of every ingest_date read count, whatever their own dates; duplicates are kept.
  History of a row uses only (customer_id, dt), so every row of a carousel shares it.
- Returned rows are sorted by (dt, ranking_id, position) (the table has no order).
"""
from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Iterable, Iterator

HISTORY_SIZE = 1000
MICROS_PER_SECOND = 1_000_000
MICROS_PER_DAY = 86_400 * MICROS_PER_SECOND
EPOCH = date(1970, 1, 1)
INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)

CLICK, CART, ORDER = 1, 2, 3


@dataclass(frozen=True)
class ActionSource:
    """How one landing source becomes actions: its item field, time and fallback date."""

    name: str
    action_type: int
    item_field: str
    time_field: str
    fallback_date_field: str


ACTION_SOURCES = (
    ActionSource("clicks", CLICK, "item_id", "click_time", "dt"),
    ActionSource("add_to_carts", CART, "config_id", "occurred_at", "dt"),
    ActionSource("previous_orders", ORDER, "config_id", "occurred_at", "order_date"),
)

_INGEST_FOLDER = re.compile(r"ingest_date=(\d{4}-\d{2}-\d{2})", re.ASCII)
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?"
    r"| (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?)",
    re.ASCII,
)
_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)


class Quarantined(Exception):
    """A record that takes no part in the table, with the spec's reason."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class _InvalidJson:
    """Marker for a line that is not a JSON object."""


INVALID_JSON = _InvalidJson()


@dataclass(frozen=True)
class RawRecord:
    """One record as landed: where it came from (for ordering deliveries) and its value."""

    ingest_date: date
    file_name: str
    index: int
    value: Any  # a dict, or INVALID_JSON


# ---------------------------------------------------------------------------- landing


def ingest_folders(source_dir: Path, ingest_dates: Iterable[date] | None) -> list[tuple[date, Path]]:
    """The `ingest_date=D` folders of one source (all of them, or only the wanted days)."""
    wanted = None if ingest_dates is None else set(ingest_dates)
    found = []
    if not source_dir.is_dir():
        return found
    for child in source_dir.iterdir():
        match = _INGEST_FOLDER.fullmatch(child.name)
        if not match or not child.is_dir():
            continue
        day = _calendar_date(match.group(1))
        if day is None or (wanted is not None and day not in wanted):
            continue
        found.append((day, child))
    return sorted(found)


def data_files(folder: Path) -> list[Path]:
    """The files of one arrival folder that hold records, in name order (`_`/`.` ignored)."""
    return sorted(
        (p for p in folder.iterdir() if p.is_file() and not p.name.startswith(("_", "."))),
        key=lambda p: p.name,
    )


def _reject_constant(name: str) -> Any:
    raise ValueError(f"not JSON: {name}")


def parse_json_line(line: bytes) -> Any:
    """One NDJSON line -> its object, or INVALID_JSON when it is not a JSON object."""
    try:
        value = json.loads(line.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return INVALID_JSON
    return value if isinstance(value, dict) else INVALID_JSON


def read_ndjson(path: Path) -> Iterator[Any]:
    """The records of an NDJSON file, one per non-blank line."""
    for line in path.read_bytes().split(b"\n"):
        if line.strip():
            yield parse_json_line(line)


def read_parquet(path: Path) -> Iterator[Any]:
    """The rows of a Parquet file as dicts, in row order (nothing if it cannot be read)."""
    import pyarrow.parquet as pq

    try:
        rows = pq.read_table(path).to_pylist()
    except Exception:  # an unreadable file never crashes a run
        return iter(())
    return iter(rows)


def read_file(path: Path) -> Iterator[Any]:
    """The records of one landed file, Parquet or NDJSON by its name."""
    return read_parquet(path) if path.name.lower().endswith(".parquet") else read_ndjson(path)


def read_source(landing: Path, source: str, ingest_dates: Iterable[date] | None) -> Iterator[RawRecord]:
    """Every record landed for `recsys/<source>`, with its arrival position."""
    for day, folder in ingest_folders(Path(landing) / "recsys" / source, ingest_dates):
        for path in data_files(folder):
            for index, value in enumerate(read_file(path)):
                yield RawRecord(day, path.name, index, value)


# ---------------------------------------------------------------------- field values


def cleaned(value: Any) -> Any:
    """A field value after the general rules: strings trimmed, empty string = missing."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def parse_id(value: Any, bounds: tuple[int, int]) -> int | None:
    """An id (JSON integer or integer string) inside its column's range, else None."""
    value = cleaned(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and _INTEGER.fullmatch(value):
        value = int(value)
    if not isinstance(value, int):
        return None
    return value if bounds[0] <= value <= bounds[1] else None


def _calendar_date(text: str) -> date | None:
    match = _DATE.fullmatch(text)
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def parse_date(value: Any) -> date | None:
    """A date field (`YYYY-MM-DD` or a Parquet date); None when missing or unparseable."""
    value = cleaned(value)
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return _calendar_date(value)
    return None


def date_micros(day: date) -> int:
    """UTC 00:00 of a day, in microseconds since the epoch."""
    return (day - EPOCH).days * MICROS_PER_DAY


def _fraction_micros(fraction: str | None) -> int:
    return int((fraction or "").ljust(6, "0")[:6])


def _offset_micros(zone: str | None) -> int:
    if zone is None or zone == "Z":
        return 0
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 23 or minutes > 59:
        raise ValueError("offset out of range")
    return sign * (hours * 3600 + minutes * 60) * MICROS_PER_SECOND


def parse_timestamp_text(text: str) -> int | None:
    """A timestamp string in an accepted layout -> UTC microseconds, else None."""
    match = _TIMESTAMP.fullmatch(text)
    if not match:
        return None
    g = match.groups()
    if g[3] is not None:
        hh, mm, ss, fraction, zone = g[3], g[4], g[5], g[6], g[7]
    else:
        hh, mm, ss, fraction, zone = g[8], g[9], g[10], g[11], None
    try:
        day = date(int(g[0]), int(g[1]), int(g[2]))
        hour, minute, second = int(hh), int(mm), int(ss)
        if hour > 23 or minute > 59 or second > 59:
            return None
        offset = _offset_micros(zone)
    except ValueError:
        return None
    local = date_micros(day) + (hour * 3600 + minute * 60 + second) * MICROS_PER_SECOND
    return local + _fraction_micros(fraction) - offset


def datetime_micros(value: datetime) -> int:
    """A Parquet timestamp value (naive = UTC) -> UTC microseconds."""
    offset = value.utcoffset() or timedelta(0)
    local = value.replace(tzinfo=None) - datetime(1970, 1, 1)
    return (local - offset) // timedelta(microseconds=1)


def parse_timestamp(value: Any) -> int | None:
    """A time field that is present -> UTC microseconds; None when it is unparseable."""
    if isinstance(value, datetime):
        return datetime_micros(value)
    if isinstance(value, str):
        return parse_timestamp_text(value)
    return None


def action_time(record: dict, source: ActionSource) -> int:
    """When an action happened: its time field, else its date field's 00:00 UTC."""
    time_value = cleaned(record.get(source.time_field))
    if time_value is not None:
        micros = parse_timestamp(time_value)
        if micros is None:
            raise Quarantined("invalid_timestamp")
        return micros
    fallback = parse_date(record.get(source.fallback_date_field))
    if fallback is None:
        raise Quarantined("invalid_timestamp")
    return date_micros(fallback)


def parse_is_order(value: Any) -> bool | None:
    """The label of an impression element: a JSON boolean, else unknown (None)."""
    return value if isinstance(value, bool) else None


# --------------------------------------------------------------------------- actions


@dataclass(frozen=True)
class Action:
    """Something a customer did with an item at an instant (UTC microseconds)."""

    customer_id: int
    ts: int
    action_type: int
    item_id: int


def action_from_record(value: Any, source: ActionSource) -> Action:
    """One landed click/cart/order record -> an action, or Quarantined."""
    if value is INVALID_JSON:
        raise Quarantined("invalid_json")
    customer_id = parse_id(value.get("customer_id"), INT64)
    if customer_id is None:
        raise Quarantined("missing_customer_id")
    item_id = parse_id(value.get(source.item_field), INT32)
    if item_id is None:
        raise Quarantined("missing_item_id")
    return Action(customer_id, action_time(value, source), source.action_type, item_id)


def read_actions(landing: Path, ingest_dates: Iterable[date] | None) -> Iterator[Action]:
    """Every valid action received, duplicates included."""
    for source in ACTION_SOURCES:
        for raw in read_source(landing, source.name, ingest_dates):
            try:
                yield action_from_record(raw.value, source)
            except Quarantined:
                continue


class HistoryIndex:
    """Each customer's actions, sorted once in history order (ts desc, type desc, item asc)."""

    def __init__(self, actions: Iterable[Action]):
        by_customer: dict[int, list[tuple[int, int, int]]] = {}
        for a in actions:
            by_customer.setdefault(a.customer_id, []).append((-a.ts, -a.action_type, a.item_id))
        self._neg_ts: dict[int, list[int]] = {}
        self._entries: dict[int, list[tuple[int, int, int]]] = {}
        for customer_id, entries in by_customer.items():
            entries.sort()
            self._entries[customer_id] = entries
            self._neg_ts[customer_id] = [e[0] for e in entries]
        self._cache: dict[tuple[int, date, int], tuple[int, list[int], list[int]]] = {}

    def history(self, customer_id: int, dt: date, lookback_days: int) -> tuple[int, list[int], list[int]]:
        """(history_length, actions, action_types) of a customer for day `dt`, padded to 1000."""
        key = (customer_id, dt, lookback_days)
        if key not in self._cache:
            self._cache[key] = self._build(customer_id, dt, lookback_days)
        return self._cache[key]

    def _build(self, customer_id: int, dt: date, lookback_days: int) -> tuple[int, list[int], list[int]]:
        end = date_micros(dt)  # exclusive: no same-day actions
        start = end - lookback_days * MICROS_PER_DAY  # inclusive
        neg_ts = self._neg_ts.get(customer_id, [])
        first = bisect_right(neg_ts, -end)  # first entry with ts < end
        last = bisect_right(neg_ts, -start)  # past the last entry with ts >= start
        chosen = self._entries.get(customer_id, [])[first:min(last, first + HISTORY_SIZE)]
        padding = [0] * (HISTORY_SIZE - len(chosen))
        items = [e[2] for e in chosen] + padding
        types = [-e[1] for e in chosen] + padding
        return len(chosen), items, types


# ----------------------------------------------------------------------- impressions


@dataclass(frozen=True)
class Impression:
    """One delivery of a carousel: the items shown (in order) and whether each was ordered."""

    dt: date
    ranking_id: str
    customer_id: int
    items: tuple[tuple[int, bool | None], ...]


def parse_impression_items(value: Any) -> tuple[tuple[int, bool | None], ...]:
    """The `impressions` array -> ((item_id, is_order), ...); null/missing = no items."""
    value = cleaned(value)
    if value is None:
        return ()
    if not isinstance(value, list):
        raise Quarantined("invalid_impressions")
    items = []
    for element in value:
        if not isinstance(element, dict):
            raise Quarantined("invalid_impressions")
        item_id = parse_id(element.get("item_id"), INT32)
        if item_id is None:
            raise Quarantined("invalid_impressions")
        items.append((item_id, parse_is_order(element.get("is_order"))))
    return tuple(items)


def impression_from_record(value: Any) -> Impression:
    """One landed impressions record -> an Impression, or Quarantined."""
    if value is INVALID_JSON:
        raise Quarantined("invalid_json")
    ranking_id = cleaned(value.get("ranking_id"))
    if not isinstance(ranking_id, str):
        raise Quarantined("missing_ranking_id")
    customer_id = parse_id(value.get("customer_id"), INT64)
    if customer_id is None:
        raise Quarantined("missing_customer_id")
    dt = parse_date(value.get("dt"))
    if dt is None:
        raise Quarantined("invalid_date")
    return Impression(dt, ranking_id, customer_id, parse_impression_items(value.get("impressions")))


def winning_impressions(landing: Path, ingest_dates: Iterable[date] | None) -> list[Impression]:
    """The last valid delivery of each (dt, ranking_id): greatest (ingest_date, file, line)."""
    winners: dict[tuple[date, str], tuple[tuple[date, str, int], Impression]] = {}
    for raw in read_source(landing, "impressions", ingest_dates):
        try:
            impression = impression_from_record(raw.value)
        except Quarantined:
            continue
        key = (impression.dt, impression.ranking_id)
        rank = (raw.ingest_date, raw.file_name, raw.index)
        if key not in winners or rank > winners[key][0]:
            winners[key] = (rank, impression)
    return [impression for _, impression in winners.values()]


# --------------------------------------------------------------------------- table


def training_input(
    landing: Path, lookback_days: int = 365, ingest_dates: Iterable[date] | None = None
) -> list[tuple]:
    """Rows of gold.training_input in DDL column order:
    (dt, ranking_id, customer_id, position, item_id, is_order, history_length, actions,
    action_types), sorted by (dt, ranking_id, position)."""
    if ingest_dates is not None:
        ingest_dates = list(ingest_dates)
    index = HistoryIndex(read_actions(Path(landing), ingest_dates))
    rows = []
    for imp in winning_impressions(Path(landing), ingest_dates):
        if not imp.items:
            continue
        length, actions, types = index.history(imp.customer_id, imp.dt, lookback_days)
        for position, (item_id, is_order) in enumerate(imp.items):
            rows.append((imp.dt, imp.ranking_id, imp.customer_id, position, item_id, is_order,
                         length, list(actions), list(types)))
    rows.sort(key=lambda r: (r[0], r[1], r[3]))
    return rows
