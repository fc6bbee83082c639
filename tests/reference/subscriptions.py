"""Reference computation of the gold tables of the `subscriptions` domain.

Written from scratch from `/work/shared/specs/subscriptions.md` and
`/work/shared/specs/landing.md` only (column order from `iceberg_ddl/gold/*.sql`), in plain
Python, so that tests can compare the Spark pipeline with an independent reading of the
spec. Nothing here imports or mirrors the job code.

Entry point: ``gold_tables(landing, as_of, ingest_dates=None)`` reads the landing folders
``<landing>/subscriptions/<source>/ingest_date=YYYY-MM-DD/`` and returns every gold table as
``{table name: sorted list of tuples in DDL column order}``.

Pipeline, as the spec describes it:
  raw record -> normalised record or quarantine reason -> deduplicated (winners only)
  -> gold tables. A quarantined record takes no part in anything.

Readings of the spec
- JSON is read strictly: `NaN`/`Infinity` literals make a line invalid JSON (`invalid_json`).
- Text fields (ids, event_type, currency, channel, status, plan_id, timestamps) take a JSON
  string trimmed with `str.strip()`; a JSON number/boolean is taken as its JSON text; null,
  arrays and objects count as missing; an empty string counts as missing.
- A numeric field is a JSON number (not a boolean) or a string matching
  `[+-]?(digits[.digits]|.digits)([eE][+-]?digits)?` after trimming; values are kept exactly
  as decimals, so `25` and `25.0` are equal.
- `schema_version` is valid when its numeric value equals 1 or 2 (`2`, `"2"`, `2.0`).
- Timestamps: upper-case `T` and `Z` only; the zone (`Z`, `±HH:MM`, `±HHMM`, hours 00-23,
  minutes 00-59) is only accepted after a `T`; the `YYYY-MM-DD HH:MM:SS` form (with or
  without fraction) has no zone. Fractions longer than 6 digits are truncated (not rounded)
  to microseconds.
- `tax` is not validated; a non-numeric `tax` is taken as null in the dedup payload.
- Event conflicts whose key `(schema_version, ingest_date, event_ts, amount, currency,
  user_id, event_type)` ties are broken by the rest of the payload `(tax,
  refers_to_event_id, channel)`, nulls lowest, so the result never depends on read order.
  `amount` in the key is the original-currency amount.
- Subscription ties on the spec key are broken by `(user_id, start_date, currency, price)`.
- Every input to gold is the deduplicated set (conflict winners); "first valid event",
  "earliest valid start_date" etc. are taken over the winners.
- Dates after `as_of` never create rows of dated tables, but a refund dated after `as_of`
  still reduces the (in-range) purchase date it refers to.
- Weekly retention: a cohort is every user whose first signup falls in the week, even if
  the signup is after `as_of` in `as_of`'s week; "active in week n" looks at the whole week
  `[cohort_week + 7n, +7)`, also the days of `as_of`'s week after `as_of`. Cohorts whose
  Monday is after `as_of` have no rows.
- Monthly CAC works by calendar month: a spend row or a first paid event later in
  `as_of`'s month counts in that month. Its channels are the `cac_by_channel` channels.
- "Channels with spend" = channels with at least one valid (deduplicated) spend row, even
  when that spend is 0.
- `ltv_cac_ratio`: a channel with no converted user has `converted_users = 0` and
  `avg_ltv_usd = null` (mean of nothing); the ratio is `float(avg_ltv_usd) / float(cac_usd)`.
- Marketing spend CSV columns are matched by header name (trimmed, case-insensitive); the
  first non-blank line is the header; short rows leave the missing fields missing.
- Files are decoded as UTF-8 (`utf-8`, not `utf-8-sig`; undecodable bytes are replaced);
  NDJSON lines are split on `\\n` only.
"""

from __future__ import annotations

import csv
import json
import re
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path
from typing import Any, Iterable, NamedTuple

SOURCES = ("events", "subscriptions", "marketing_spend")

EVENT_TYPES = frozenset(
    {"signup", "login", "page_view", "purchase", "refund", "trial_start", "trial_convert", "cancel"}
)
MONEY_EVENTS = frozenset({"purchase", "refund"})
PAID_EVENTS = frozenset({"purchase", "trial_convert"})

# Reference table fx_rates, as written in the spec (to USD).
FX_RATES = {
    "USD": Decimal("1.0"),
    "EUR": Decimal("1.10"),
    "GBP": Decimal("1.25"),
    "CAD": Decimal("0.75"),
    "AUD": Decimal("0.65"),
    "JPY": Decimal("0.0070"),
    "INR": Decimal("0.012"),
    "BRL": Decimal("0.20"),
    "NGN": Decimal("0.00065"),
}

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
NON_NUMERIC = object()  # a numeric field that is present but not a number


# --------------------------------------------------------------------------- primitives


def cents(value: Decimal) -> Decimal:
    """Round money half up to cents (the spec's `round`, not banker's rounding)."""
    with localcontext() as ctx:
        ctx.prec = 80
        return value.quantize(CENT, rounding=ROUND_HALF_UP)


def to_usd(amount: Decimal, currency: str) -> Decimal:
    """`round(amount * rate, 2)` with the static fx_rates table."""
    with localcontext() as ctx:
        ctx.prec = 80
        return cents(amount * FX_RATES[currency])


def text(value: Any) -> str | None:
    """A text field: trimmed string, or None when missing/empty (JSON numbers keep their text)."""
    if value is None or isinstance(value, (list, dict)):
        return None
    if isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, (int, Decimal, float)):
        value = str(value)
    value = value.strip()
    return value or None


_NUMERIC_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def number(value: Any) -> Decimal | None | object:
    """A numeric field: JSON number or numeric string -> Decimal.

    Returns None when the field is missing (absent/null/empty string) and `NON_NUMERIC`
    when it is present but not a number (booleans, objects, other strings).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return NON_NUMERIC
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        return value if value.is_finite() else NON_NUMERIC
    if isinstance(value, float):  # not produced by our parser, kept for safety
        return Decimal(repr(value)) if value == value and abs(value) != float("inf") else NON_NUMERIC
    if isinstance(value, str):
        s = value.strip()
        if not s:
            return None
        if _NUMERIC_RE.fullmatch(s):
            return Decimal(s)
        return NON_NUMERIC
    return NON_NUMERIC


_TS_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:"
    r"T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2}|[+-]\d{4})?"
    r"|"
    r" (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
    r")"
)


def parse_timestamp(value: Any) -> datetime | None:
    """Parse an event/created_at timestamp to a naive UTC datetime; None when invalid.

    Accepted: `YYYY-MM-DDTHH:MM:SS[.fff]` followed by `Z`, `±HH:MM`, `±HHMM` or nothing
    (nothing = UTC), and `YYYY-MM-DD HH:MM:SS[.fff]` (UTC). A bare date is invalid.
    """
    s = text(value)
    if s is None:
        return None
    m = _TS_RE.fullmatch(s)
    if not m:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if m.group(4) is not None:
        hh, mi, ss, frac, zone = m.group(4), m.group(5), m.group(6), m.group(7), m.group(8)
    else:
        hh, mi, ss, frac, zone = m.group(9), m.group(10), m.group(11), m.group(12), None
    micro = int((frac or "")[:6].ljust(6, "0"))
    try:
        ts = datetime(y, mo, d, int(hh), int(mi), int(ss), micro)
    except ValueError:
        return None
    if zone in (None, "Z"):
        return ts
    sign = 1 if zone[0] == "+" else -1
    digits = zone[1:].replace(":", "")
    oh, om = int(digits[:2]), int(digits[2:])
    if oh > 23 or om > 59:
        return None
    try:
        return ts - sign * timedelta(hours=oh, minutes=om)
    except OverflowError:
        return None


_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def parse_date(value: Any) -> date | None:
    """Parse a date field (`start_date`, `end_date`, spend `date`): only `YYYY-MM-DD`."""
    s = text(value)
    if s is None:
        return None
    m = _DATE_RE.fullmatch(s)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def channel_of(value: Any) -> str:
    """Channel normalisation: lower-case, missing = `unknown`."""
    s = text(value)
    return s.lower() if s is not None else "unknown"


def currency_of(value: Any) -> str:
    """Currency normalisation: upper-case, missing = `USD`."""
    s = text(value)
    return s.upper() if s is not None else "USD"


def nulls_lowest(value: Any) -> tuple:
    """Sort key component where None ranks below every value."""
    return (0,) if value is None else (1, value)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"not JSON: {name}")


def loads_json(raw: str) -> Any:
    """Strict JSON: decimals kept exact, NaN/Infinity rejected."""
    return json.loads(raw, parse_float=Decimal, parse_constant=_reject_constant)


# --------------------------------------------------------------------------- landing


def ingest_folders(landing: Path, source: str, ingest_dates: Iterable[date] | None) -> list[tuple[date, Path]]:
    """The `ingest_date=YYYY-MM-DD` folders of one source, oldest first (all, or only those asked)."""
    root = Path(landing) / "subscriptions" / source
    wanted = None if ingest_dates is None else set(ingest_dates)
    found = []
    if not root.is_dir():
        return found
    for folder in root.iterdir():
        if not folder.is_dir() or not folder.name.startswith("ingest_date="):
            continue
        d = parse_date(folder.name[len("ingest_date="):])
        if d is None or (wanted is not None and d not in wanted):
            continue
        found.append((d, folder))
    return sorted(found)


def landing_files(landing: Path, source: str, ingest_dates: Iterable[date] | None) -> list[tuple[date, int, str]]:
    """(ingest_date, file position, UTF-8 text) of every data file, files in name order.

    Files whose name starts with `_` or `.` (e.g. `_SUCCESS`) are not data.
    """
    out = []
    for d, folder in ingest_folders(landing, source, ingest_dates):
        files = sorted(
            p for p in folder.iterdir() if p.is_file() and not p.name.startswith(("_", "."))
        )
        for i, p in enumerate(files):
            out.append((d, i, p.read_bytes().decode("utf-8", errors="replace")))
    return out


# --------------------------------------------------------------------------- events


class Event(NamedTuple):
    """A valid, normalised app event. Money fields are set for purchase/refund only."""

    event_id: str
    user_id: str
    event_type: str
    ts: datetime
    schema_version: int
    amount: Decimal | None
    currency: str | None
    tax: Decimal | None
    refers_to_event_id: str | None
    channel: str | None
    amount_usd: Decimal | None
    ingest_date: date

    @property
    def event_date(self) -> date:
        """UTC date of the event."""
        return self.ts.date()


def parse_event_line(raw: str, ingest_date: date) -> Event | str:
    """Normalise one NDJSON line into an Event, or return its quarantine reason."""
    try:
        obj = loads_json(raw)
    except (ValueError, RecursionError):
        return "invalid_json"
    if not isinstance(obj, dict):
        return "invalid_json"
    event_id = text(obj.get("event_id"))
    if event_id is None:
        return "missing_event_id"
    event_type = text(obj.get("event_type"))
    event_type = event_type.lower() if event_type is not None else None
    if event_type not in EVENT_TYPES:
        return "unknown_event_type"
    ts = parse_timestamp(obj.get("timestamp"))
    if ts is None:
        return "invalid_timestamp"
    user_id = text(obj.get("user_id"))
    if user_id is None:
        return "missing_user_id"
    sv = number(obj.get("schema_version"))
    if sv is None or sv is NON_NUMERIC or sv not in (1, 2):
        return "invalid_schema_version"
    amount = currency = tax = refers = channel = amount_usd = None
    if event_type in MONEY_EVENTS:
        amount = number(obj.get("amount"))
        if amount is None or amount is NON_NUMERIC or amount < 0:
            return "invalid_amount"
        currency = currency_of(obj.get("currency"))
        if currency not in FX_RATES:
            return "unknown_currency"
        refers = text(obj.get("refers_to_event_id"))
        if event_type == "refund" and refers is None:
            return "missing_refund_reference"
        t = number(obj.get("tax"))
        tax = None if t is NON_NUMERIC else t
        amount_usd = to_usd(amount, currency)
    if event_type == "signup":
        channel = channel_of(obj.get("acquisition_channel"))
    return Event(event_id, user_id, event_type, ts, int(sv), amount, currency, tax, refers,
                 channel, amount_usd, ingest_date)


def read_events(landing: Path, ingest_dates: Iterable[date] | None) -> list[Event]:
    """Every valid event copy received (quarantined lines dropped, blank lines skipped)."""
    out = []
    for d, _, content in landing_files(landing, "events", ingest_dates):
        for line in content.split("\n"):
            if not line.strip():
                continue
            ev = parse_event_line(line, d)
            if isinstance(ev, Event):
                out.append(ev)
    return out


def event_rank(ev: Event) -> tuple:
    """Conflict ranking: greatest `(schema_version, ingest_date, event_ts, amount, currency,
    user_id, event_type)`, nulls lowest, then the rest of the payload as a tie-break."""
    return (
        ev.schema_version, ev.ingest_date, ev.ts, nulls_lowest(ev.amount), nulls_lowest(ev.currency),
        ev.user_id, ev.event_type,
        nulls_lowest(ev.tax), nulls_lowest(ev.refers_to_event_id), nulls_lowest(ev.channel),
    )


def dedup_events(copies: Iterable[Event]) -> dict[str, Event]:
    """One event per event_id: exact duplicates collapse, conflicts go to the greatest copy
    (each copy ranked with its own ingest_date)."""
    return greatest_per_key(copies, lambda ev: ev.event_id, event_rank)


def greatest_per_key(records: Iterable[Any], key: Any, rank: Any) -> dict:
    """The record of greatest ``rank`` for each ``key`` (the first seen on a tie)."""
    best: dict = {}
    for record in records:
        current = best.get(key(record))
        if current is None or rank(record) > rank(current):
            best[key(record)] = record
    return best


# --------------------------------------------------------------------------- subscriptions


class Subscription(NamedTuple):
    """A valid, normalised subscription (monthly price converted to USD)."""

    subscription_id: str
    user_id: str
    plan_id: str | None
    price: Decimal
    currency: str
    price_usd: Decimal
    start_date: date
    end_date: date | None
    status: str
    created_at: datetime
    ingest_date: date


def parse_subscription(obj: Any, ingest_date: date) -> Subscription | str:
    """Normalise one element of a subscriptions array, or return its quarantine reason."""
    if not isinstance(obj, dict):
        return "invalid_json"
    sid = text(obj.get("subscription_id"))
    if sid is None:
        return "missing_subscription_id"
    user_id = text(obj.get("user_id"))
    if user_id is None:
        return "missing_user_id"
    start = parse_date(obj.get("start_date"))
    created = parse_timestamp(obj.get("created_at"))
    end_raw = text(obj.get("end_date"))
    end = parse_date(end_raw) if end_raw is not None else None
    if start is None or created is None or (end_raw is not None and end is None):
        return "invalid_date"
    status = text(obj.get("status"))
    status = status.lower() if status is not None else None
    if status not in ("active", "canceled"):
        return "invalid_status"
    if end is not None and end < start:
        return "end_before_start"
    if status == "canceled" and end is None:
        return "canceled_without_end_date"
    price = number(obj.get("price"))
    if price is None or price is NON_NUMERIC or price < 0:
        return "invalid_price"
    currency = currency_of(obj.get("currency"))
    if currency not in FX_RATES:
        return "unknown_currency"
    return Subscription(sid, user_id, text(obj.get("plan_id")), price, currency,
                        to_usd(price, currency), start, end, status, created, ingest_date)


def read_subscriptions(landing: Path, ingest_dates: Iterable[date] | None) -> list[Subscription]:
    """Every valid subscription record received; a file that is not a JSON array yields none."""
    out = []
    for d, _, content in landing_files(landing, "subscriptions", ingest_dates):
        if not content.strip():
            continue
        try:
            arr = loads_json(content)
        except (ValueError, RecursionError):
            continue
        if not isinstance(arr, list):
            continue
        for obj in arr:
            sub = parse_subscription(obj, d)
            if isinstance(sub, Subscription):
                out.append(sub)
    return out


def subscription_rank(s: Subscription) -> tuple:
    """Greatest `(ingest_date, created_at, status = 'canceled', end_date (null lowest),
    price_usd, plan_id)` wins, then a deterministic tail."""
    return (
        s.ingest_date, s.created_at, s.status == "canceled", nulls_lowest(s.end_date), s.price_usd,
        nulls_lowest(s.plan_id), s.user_id, s.start_date, s.currency, s.price,
    )


def dedup_subscriptions(records: Iterable[Subscription]) -> dict[str, Subscription]:
    """One subscription per subscription_id (the greatest by `subscription_rank`)."""
    return greatest_per_key(records, lambda s: s.subscription_id, subscription_rank)


# --------------------------------------------------------------------------- marketing spend


class Spend(NamedTuple):
    """A valid spend row: USD spend of a channel on a date."""

    date: date
    channel: str
    spend_usd: Decimal
    ingest_date: date
    file_pos: int
    row_pos: int


def parse_spend_row(row: dict[str, str | None], ingest_date: date, file_pos: int, row_pos: int) -> Spend | str:
    """Normalise one CSV row, or return its quarantine reason."""
    d = parse_date(row.get("date"))
    if d is None:
        return "invalid_date"
    spend = number(row.get("spend"))
    if spend is None or spend is NON_NUMERIC:
        return "invalid_spend"
    if spend < 0:
        return "negative_spend"
    return Spend(d, channel_of(row.get("channel")), cents(spend), ingest_date, file_pos, row_pos)


def read_spend(landing: Path, ingest_dates: Iterable[date] | None) -> list[Spend]:
    """Every valid spend row received (header by name, blank lines skipped)."""
    out = []
    for d, file_pos, content in landing_files(landing, "marketing_spend", ingest_dates):
        lines = [ln for ln in content.split("\n") if ln.strip()]
        if not lines:
            continue
        rows = list(csv.reader(lines))
        header = [h.strip().lower() for h in rows[0]]
        for row_pos, values in enumerate(rows[1:]):
            record = {name: (values[i] if i < len(values) else None) for i, name in enumerate(header)}
            sp = parse_spend_row(record, d, file_pos, row_pos)
            if isinstance(sp, Spend):
                out.append(sp)
    return out


def dedup_spend(rows: Iterable[Spend]) -> dict[tuple[date, str], Spend]:
    """One row per (date, channel): later ingest_date replaces earlier; within one
    ingest_date the last valid row in file order (files by name) wins."""
    best: dict[tuple[date, str], Spend] = {}
    for r in rows:
        key = (r.date, r.channel)
        cur = best.get(key)
        if cur is None or (r.ingest_date, r.file_pos, r.row_pos) > (cur.ingest_date, cur.file_pos, cur.row_pos):
            best[key] = r
    return best


# --------------------------------------------------------------------------- shared facts


def date_range(first: date | None, last: date) -> list[date]:
    """Every date from `first` to `last` inclusive (empty when first is None or after last)."""
    if first is None or first > last:
        return []
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def month_start(d: date) -> date:
    return d.replace(day=1)


def next_month(m: date) -> date:
    return date(m.year + (m.month == 12), m.month % 12 + 1, 1)


def month_range(first: date | None, last: date) -> list[date]:
    """First days of every month from `first`'s month to `last`'s month."""
    if first is None or month_start(first) > month_start(last):
        return []
    out, m = [], month_start(first)
    while m <= month_start(last):
        out.append(m)
        m = next_month(m)
    return out


def monday_of(d: date) -> date:
    return d - timedelta(days=d.weekday())


def first_event(events: Iterable[Event]) -> Event | None:
    """The first of some events: earliest timestamp, then smallest event_id."""
    return min(events, key=lambda e: (e.ts, e.event_id), default=None)


def first_signups(events: dict[str, Event]) -> dict[str, Event]:
    """Each user's first signup event."""
    by_user: dict[str, list[Event]] = {}
    for e in events.values():
        if e.event_type == "signup":
            by_user.setdefault(e.user_id, []).append(e)
    return {u: first_event(evs) for u, evs in by_user.items()}


def user_channel(user_id: str, signups: dict[str, Event]) -> str:
    """Acquisition channel of the user's first signup; `unknown` without a signup."""
    s = signups.get(user_id)
    return s.channel if s is not None else "unknown"


def capped_refunds(events: dict[str, Event]) -> dict[str, Decimal]:
    """USD refunds per purchase event_id: refunds referring to a known purchase, summed in
    USD and capped at the purchase's amount_usd. Orphan refunds (target absent,
    quarantined or not a purchase) are left out."""
    total: dict[str, Decimal] = {}
    for e in events.values():
        if e.event_type != "refund":
            continue
        target = events.get(e.refers_to_event_id)
        if target is None or target.event_type != "purchase":
            continue
        total[target.event_id] = total.get(target.event_id, ZERO) + e.amount_usd
    return {pid: min(amt, events[pid].amount_usd) for pid, amt in total.items()}


def purchases(events: dict[str, Event]) -> list[Event]:
    return [e for e in events.values() if e.event_type == "purchase"]


def converted_users(events: dict[str, Event]) -> dict[str, Event]:
    """Users with at least one trial_convert or purchase -> their first paid event."""
    by_user: dict[str, list[Event]] = {}
    for e in events.values():
        if e.event_type in PAID_EVENTS:
            by_user.setdefault(e.user_id, []).append(e)
    return {u: first_event(evs) for u, evs in by_user.items()}


def cac(spend: Decimal, conversions: int) -> Decimal | None:
    """round(spend / conversions, 2); null without conversions."""
    if conversions == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 80
        return cents(spend / Decimal(conversions))


# --------------------------------------------------------------------------- gold tables


def daily_active_users(events: dict[str, Event], as_of: date) -> list[tuple]:
    """(event_date, dau): distinct users with any event that day, first event date..as_of."""
    users: dict[date, set[str]] = {}
    for e in events.values():
        users.setdefault(e.event_date, set()).add(e.user_id)
    first = min(users, default=None)
    return [(d, len(users.get(d, ()))) for d in date_range(first, as_of)]


def daily_revenue_gross(events: dict[str, Event], as_of: date) -> list[tuple]:
    """(event_date, gross_revenue_usd, purchase_count) by purchase date, zero-filled."""
    gross: dict[date, Decimal] = {}
    count: dict[date, int] = {}
    for p in purchases(events):
        gross[p.event_date] = gross.get(p.event_date, ZERO) + p.amount_usd
        count[p.event_date] = count.get(p.event_date, 0) + 1
    first = min(gross, default=None)
    return [(d, cents(gross.get(d, ZERO)), count.get(d, 0)) for d in date_range(first, as_of)]


def daily_revenue_net(events: dict[str, Event], as_of: date) -> list[tuple]:
    """(event_date, gross, refunds, net): refunds booked on their purchase's date, capped."""
    refunds = capped_refunds(events)
    gross: dict[date, Decimal] = {}
    refunded: dict[date, Decimal] = {}
    for p in purchases(events):
        gross[p.event_date] = gross.get(p.event_date, ZERO) + p.amount_usd
        refunded[p.event_date] = refunded.get(p.event_date, ZERO) + refunds.get(p.event_id, ZERO)
    first = min(gross, default=None)
    rows = []
    for d in date_range(first, as_of):
        g, r = cents(gross.get(d, ZERO)), cents(refunded.get(d, ZERO))
        rows.append((d, g, r, g - r))
    return rows


def counted_subscriptions(subs: Iterable[Subscription], d: date) -> list[Subscription]:
    """Subscriptions counted on day d: active (start_date <= d < end_date, or no end), and
    per user only the one with latest start_date, then highest price_usd, then greatest id."""
    best: dict[str, Subscription] = {}
    for s in subs:
        if not (s.start_date <= d and (s.end_date is None or d < s.end_date)):
            continue
        cur = best.get(s.user_id)
        key = (s.start_date, s.price_usd, s.subscription_id)
        if cur is None or key > (cur.start_date, cur.price_usd, cur.subscription_id):
            best[s.user_id] = s
    return list(best.values())


def mrr_daily(subs: dict[str, Subscription], as_of: date) -> list[tuple]:
    """(date, mrr_usd, active_subscriptions) from the earliest start_date to as_of."""
    first = min((s.start_date for s in subs.values()), default=None)
    rows = []
    for d in date_range(first, as_of):
        counted = counted_subscriptions(subs.values(), d)
        rows.append((d, cents(sum((s.price_usd for s in counted), ZERO)), len(counted)))
    return rows


def mrr_monthly(daily: list[tuple], as_of: date) -> list[tuple]:
    """(month, mrr_usd): mrr_daily on the month's last day, on as_of for as_of's month."""
    by_day = {row[0]: row[1] for row in daily}
    if not by_day:
        return []
    rows = []
    for m in month_range(min(by_day), as_of):
        last = min(next_month(m) - timedelta(days=1), as_of)
        rows.append((m, by_day[last]))
    return rows


def weekly_cohort_retention(events: dict[str, Event], as_of: date) -> list[tuple]:
    """(cohort_week, week_number, cohort_size, active_users, retention_rate).

    Cohort = Monday of the week of the user's first signup; a user is active in week n
    when they have any event in [cohort_week + 7n, cohort_week + 7n + 7); n runs from 0
    to the week of as_of."""
    signups = first_signups(events)
    cohorts: dict[date, set[str]] = {}
    for u, e in signups.items():
        cohorts.setdefault(monday_of(e.event_date), set()).add(u)
    weeks_active: dict[str, set[date]] = {}
    for e in events.values():
        weeks_active.setdefault(e.user_id, set()).add(monday_of(e.event_date))
    rows = []
    for cw, members in sorted(cohorts.items()):
        if cw > as_of:
            continue
        for n in range((as_of - cw).days // 7 + 1):
            week = cw + timedelta(days=7 * n)
            active = sum(1 for u in members if week in weeks_active.get(u, ()))
            rows.append((cw, n, len(members), active, active / len(members)))
    return rows


def cac_by_channel(events: dict[str, Event], spend: dict[tuple[date, str], Spend]) -> list[tuple]:
    """(channel, spend_usd, conversions, cac_usd) over all time, channels with spend or a
    conversion."""
    signups = first_signups(events)
    spend_by: dict[str, Decimal] = {}
    for r in spend.values():
        spend_by[r.channel] = spend_by.get(r.channel, ZERO) + r.spend_usd
    conv_by: dict[str, int] = {}
    for u in converted_users(events):
        ch = user_channel(u, signups)
        conv_by[ch] = conv_by.get(ch, 0) + 1
    rows = []
    for ch in sorted(set(spend_by) | set(conv_by)):
        s, c = cents(spend_by.get(ch, ZERO)), conv_by.get(ch, 0)
        rows.append((ch, s, c, cac(s, c)))
    return rows


def cac_by_channel_monthly(events: dict[str, Event], spend: dict[tuple[date, str], Spend],
                           channels: list[str], as_of: date) -> list[tuple]:
    """(month, channel, spend_usd, conversions, cac_usd): spend by spend month,
    conversions by the month of the user's first paid event; full grid of the
    cac_by_channel channels x months from the first month with spend or a conversion."""
    signups = first_signups(events)
    spend_by: dict[tuple[date, str], Decimal] = {}
    for r in spend.values():
        k = (month_start(r.date), r.channel)
        spend_by[k] = spend_by.get(k, ZERO) + r.spend_usd
    conv_by: dict[tuple[date, str], int] = {}
    for u, first_paid in converted_users(events).items():
        k = (month_start(first_paid.event_date), user_channel(u, signups))
        conv_by[k] = conv_by.get(k, 0) + 1
    first = min((m for m, _ in list(spend_by) + list(conv_by)), default=None)
    rows = []
    for m in month_range(first, as_of):
        for ch in channels:
            s, c = cents(spend_by.get((m, ch), ZERO)), conv_by.get((m, ch), 0)
            rows.append((m, ch, s, c, cac(s, c)))
    return rows


def ltv_per_user(events: dict[str, Event]) -> list[tuple]:
    """(user_id, acquisition_channel, signup_date, purchase_count, gross, refunds, ltv) for
    users with a signup or a purchase; refunds belong to the purchase's user, capped."""
    signups = first_signups(events)
    refunds = capped_refunds(events)
    count: dict[str, int] = {}
    gross: dict[str, Decimal] = {}
    refunded: dict[str, Decimal] = {}
    for p in purchases(events):
        count[p.user_id] = count.get(p.user_id, 0) + 1
        gross[p.user_id] = gross.get(p.user_id, ZERO) + p.amount_usd
        refunded[p.user_id] = refunded.get(p.user_id, ZERO) + refunds.get(p.event_id, ZERO)
    rows = []
    for u in sorted(set(signups) | set(count)):
        s = signups.get(u)
        g, r = cents(gross.get(u, ZERO)), cents(refunded.get(u, ZERO))
        rows.append((u, user_channel(u, signups), s.event_date if s else None, count.get(u, 0), g, r, g - r))
    return rows


def ltv_cac_ratio(events: dict[str, Event], cac_rows: list[tuple], ltv_rows: list[tuple]) -> list[tuple]:
    """(channel, converted_users, avg_ltv_usd, cac_usd, ltv_cac_ratio) per cac_by_channel
    channel; avg over converted users (missing LTV = 0); ratio of the rounded columns."""
    signups = first_signups(events)
    ltv = {row[0]: row[6] for row in ltv_rows}
    members: dict[str, list[str]] = {}
    for u in converted_users(events):
        members.setdefault(user_channel(u, signups), []).append(u)
    rows = []
    for ch, _, _, cac_usd in cac_rows:
        users = members.get(ch, [])
        avg = None
        if users:
            with localcontext() as ctx:
                ctx.prec = 80
                avg = cents(sum((ltv.get(u, ZERO) for u in users), ZERO) / Decimal(len(users)))
        ratio = None if (avg is None or cac_usd is None or cac_usd == 0) else float(avg) / float(cac_usd)
        rows.append((ch, len(users), avg, cac_usd, ratio))
    return rows


# --------------------------------------------------------------------------- entry point


def gold_tables(landing: Path, as_of: date, ingest_dates: Iterable[date] | None = None) -> dict[str, list[tuple]]:
    """All ten gold tables of the subscriptions domain, rows in DDL column order, sorted."""
    landing = Path(landing)
    if ingest_dates is not None:
        ingest_dates = list(ingest_dates)
    events = dedup_events(read_events(landing, ingest_dates))
    subs = dedup_subscriptions(read_subscriptions(landing, ingest_dates))
    spend = dedup_spend(read_spend(landing, ingest_dates))

    mrr = mrr_daily(subs, as_of)
    cac_rows = cac_by_channel(events, spend)
    ltv_rows = ltv_per_user(events)
    tables = {
        "daily_active_users": daily_active_users(events, as_of),
        "daily_revenue_gross": daily_revenue_gross(events, as_of),
        "daily_revenue_net": daily_revenue_net(events, as_of),
        "mrr_daily": mrr,
        "mrr_monthly": mrr_monthly(mrr, as_of),
        "weekly_cohort_retention": weekly_cohort_retention(events, as_of),
        "cac_by_channel": cac_rows,
        "cac_by_channel_monthly": cac_by_channel_monthly(events, spend, [r[0] for r in cac_rows], as_of),
        "ltv_per_user": ltv_rows,
        "ltv_cac_ratio": ltv_cac_ratio(events, cac_rows, ltv_rows),
    }
    return {name: sorted(rows, key=_sort_key) for name, rows in tables.items()}


def _sort_key(row: tuple) -> tuple:
    return tuple(nulls_lowest(v) for v in row)
