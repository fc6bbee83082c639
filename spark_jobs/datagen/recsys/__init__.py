"""Seeded synthetic landing data for the recsys domain, with every trap of the spec.

``generate(settings, out, days, seed)`` writes ``recsys/<source>/ingest_date=D/`` folders
for ``days`` arrival days: clean impressions and actions plus the traps the pipeline must
survive, and returns how many of each trap it planted. A run is a pure function of its
arguments (one ``random.Random``).

Actions of a day mostly arrive that day or the next; a few arrive days late. Day 0 also
delivers a long order history (up to 400 days back, one customer with more than 1000
orders) so lookback and the 1000 cap are exercised.
"""
from __future__ import annotations

import io
import json
import random
from collections import Counter
from datetime import date, datetime, time, timedelta, timezone

from spark_jobs.config import Settings
from spark_jobs.storage import join, write_bytes

SOURCES = ("impressions", "clicks", "add_to_carts", "previous_orders")
ITEMS = 3000


class _Gen:
    """Pending records per (source, ingest day) and the trap counter."""

    def __init__(self, seed: int, start: date, days: int, customers: int):
        self.rng, self.start, self.days = random.Random(seed), start, days
        self.customers = list(range(1_000_001, 1_000_001 + customers))
        self.out: dict[tuple[str, int], list] = {}
        self.counts: Counter = Counter()
        self.ranking = 0

    def day(self, n: int) -> date:
        return self.start + timedelta(days=n)

    def put(self, source: str, ingest: int, record) -> None:
        self.out.setdefault((source, min(max(ingest, 0), self.days - 1)), []).append(record)

    def ts(self, d: date, second: int | None = None) -> datetime:
        second = self.rng.randrange(86_400) if second is None else second
        return datetime.combine(d, time(), timezone.utc) + timedelta(seconds=second)

    def ts_text(self, t: datetime) -> str:
        """One of the accepted spellings of an instant (all mean the same UTC time)."""
        style = self.rng.randrange(5)
        if style == 0:
            return t.strftime("%Y-%m-%dT%H:%M:%SZ")
        if style == 1:
            return (t + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S+02:00")
        if style == 2:
            return t.strftime("%Y-%m-%d %H:%M:%S")
        if style == 3:
            return (t - timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%S.000000-0500")
        return t.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _action(g: _Gen, kind: str, customer: int, item: int, t: datetime | None, d: date) -> dict:
    """A clean action record of ``kind`` (click / cart / order) at ``t`` (None = no time)."""
    stamp = None if t is None else g.ts_text(t)
    cid = g.rng.choice((customer, str(customer), f" {customer} ")) if g.rng.random() < 0.1 else customer
    if kind == "click":
        return {"dt": d.isoformat(), "customer_id": cid, "item_id": item, "click_time": stamp}
    body = {"customer_id": cid, "config_id": item, "simple_id": item * 100 + g.rng.randrange(5), "occurred_at": stamp}
    if kind == "cart":
        return {"dt": d.isoformat(), **body}
    return {"order_date": d.isoformat(), **body}


SOURCE_OF = {"click": "clicks", "cart": "add_to_carts", "order": "previous_orders"}


def _emit(g: _Gen, kind: str, customer: int, item: int, t: datetime | None, d: date, day: int) -> None:
    """Deliver an action on its day or the next; 3% arrive 2-6 days late; 2% twice."""
    ingest = day + (1 if g.rng.random() < 0.3 else 0)
    if g.rng.random() < 0.03:
        ingest = day + g.rng.randint(2, 6)
        g.counts["late_action"] += 1
    record = _action(g, kind, customer, item, t, d)
    g.put(SOURCE_OF[kind], ingest, record)
    if g.rng.random() < 0.02:
        g.put(SOURCE_OF[kind], ingest + g.rng.randrange(2), record)
        g.counts["duplicate_action"] += 1


def _pre_history(g: _Gen) -> None:
    """Orders before the first day, delivered on day 0: lookback boundary and 1000 cap."""
    heavy = g.customers[0]
    for n in range(1100):
        t = g.ts(g.start - timedelta(days=1 + n // 20))
        _emit_now(g, "order", heavy, g.rng.randrange(1, ITEMS), t, t.date())
    g.counts["customer_over_1000_actions"] += 1
    for customer in g.customers[1:len(g.customers) // 2]:
        for _ in range(g.rng.randrange(1, 8)):
            t = g.ts(g.start - timedelta(days=g.rng.randrange(1, 400)))
            _emit_now(g, "order", customer, g.rng.randrange(1, ITEMS), t, t.date())
    # Exactly on the lookback boundary of day 0's impressions (inclusive), and one microsecond before it.
    edge = datetime.combine(g.start, time(), timezone.utc) - timedelta(days=365)
    for t, key in ((edge, "action_at_lookback_boundary"), (edge - timedelta(seconds=1), "action_just_outside_lookback")):
        _emit_now(g, "order", g.customers[1], 7, t, t.date())
        g.counts[key] += 1


def _emit_now(g: _Gen, kind: str, customer: int, item: int, t: datetime | None, d: date) -> None:
    g.put(SOURCE_OF[kind], 0, _action(g, kind, customer, item, t, d))


def _day_actions(g: _Gen, n: int, per_day: int) -> None:
    d = g.day(n)
    for _ in range(per_day):
        kind = g.rng.choices(("click", "cart", "order"), (70, 20, 10))[0]
        _emit(g, kind, g.rng.choice(g.customers[:-5]), g.rng.randrange(1, ITEMS), g.ts(d), d, n)
    customer, t = g.rng.choice(g.customers), g.ts(d)  # same instant across types and items
    for kind, item in (("click", 11), ("cart", 10), ("order", 12), ("click", 9)):
        _emit(g, kind, customer, item, t, d, n)
    g.counts["tie_same_timestamp"] += 1
    for kind in ("click", "cart", "order"):  # no time: falls back to the day's 00:00
        _emit(g, kind, g.rng.choice(g.customers), g.rng.randrange(1, ITEMS), None, d, n)
        g.counts["null_time_fallback"] += 1


BAD_ACTIONS = (  # (trap key, record maker(g, day) → raw line or dict)
    ("action_invalid_json", lambda g, d: g.rng.choice(('{"customer_id": 5, "item_id"', "not json", "[1, 2]", "42"))),
    ("action_missing_customer_id", lambda g, d: {"dt": d.isoformat(), "customer_id": g.rng.choice((None, "", " ", "abc")),
                                                 "item_id": 5, "click_time": f"{d}T10:00:00Z"}),
    ("action_missing_item_id", lambda g, d: {"dt": d.isoformat(), "customer_id": 1_000_002, "config_id": None,
                                             "simple_id": 1, "occurred_at": f"{d}T10:00:00Z"}),
    ("action_invalid_timestamp", lambda g, d: {"dt": d.isoformat(), "customer_id": 1_000_002, "item_id": 5,
                                               "click_time": g.rng.choice((f"{d}", "yesterday", f"{d}T25:00:00Z",
                                                                           f"{d:%d/%m/%Y} 10:00"))}),
    ("action_missing_time_and_date", lambda g, d: {"customer_id": 1_000_002, "config_id": 5, "simple_id": 1,
                                                   "order_date": g.rng.choice((None, "2026-13-01")), "occurred_at": None}),
)


def _bad_actions(g: _Gen, n: int) -> None:
    for key, make in BAD_ACTIONS:
        record = make(g, g.day(n))
        source = "clicks" if isinstance(record, str) or "item_id" in record else (
            "previous_orders" if "order_date" in record else "add_to_carts")
        g.put(source, n, record)
        g.counts[key] += 1


def _ranking(g: _Gen, customer, d: date, length: int) -> dict:
    g.ranking += 1
    items = [{"item_id": g.rng.randrange(1, ITEMS), "is_order": g.rng.random() < 0.05} for _ in range(length)]
    return {"dt": d.isoformat(), "ranking_id": f"r-{g.ranking:07d}", "customer_id": customer, "impressions": items}


def _day_impressions(g: _Gen, n: int, per_day: int, shown: list) -> None:
    d = g.day(n)
    for _ in range(per_day):
        imp = _ranking(g, g.rng.choice(g.customers[:-5]), d, 10)
        late = g.rng.random() < 0.05 and n > 0
        g.put("impressions", n + (0 if late else g.rng.randrange(2)), imp if not late else dict(imp, dt=g.day(n - 1).isoformat()))
        g.counts["late_impression"] += late
        shown.append(imp)
    _emit(g, "click", shown[-1]["customer_id"], 42, g.ts(d, 3600), d, n)  # acted on the shown day: not history
    g.counts["same_day_action"] += 1
    for regular in g.customers[:2]:  # over 1000 actions; actions on the lookback boundary
        g.put("impressions", n, _ranking(g, regular, d, 10))
    newcomer = g.customers[-1 - n % 5]  # never acts: all-zero history
    g.put("impressions", n, _ranking(g, newcomer, d, 10))
    g.counts["customer_without_history"] += 1


def _redeliveries(g: _Gen, n: int, shown: list) -> None:
    """A ranking seen before arrives again: shorter, empty, null, or twice within one day."""
    if not shown:
        return
    old = g.rng.choice(shown)
    shorter = dict(old, impressions=old["impressions"][:g.rng.randrange(1, 6)])
    g.put("impressions", n, shorter)
    g.counts["redelivered_shorter"] += 1
    if n % 3 == 0:
        g.put("impressions", n, dict(g.rng.choice(shown), impressions=g.rng.choice(([], None))))
        g.counts["redelivered_empty_or_null"] += 1
    twice = _ranking(g, g.rng.choice(g.customers), g.day(n), 8)
    g.put("impressions", n, twice)
    g.put("impressions", n, dict(twice, impressions=twice["impressions"][:4]))  # later line wins
    g.put(("impressions", "b"), n, dict(twice, impressions=twice["impressions"][:6]))  # later file wins over both
    g.counts["redelivered_same_day"] += 1
    g.put("impressions", n, dict(_ranking(g, g.rng.choice(g.customers), g.day(n), 0), impressions=[]))
    g.counts["empty_impressions"] += 1


BAD_IMPRESSIONS = (
    ("impression_invalid_json", lambda imp: '{"dt": "2026-01-01", "ranking_id": '),
    ("impression_missing_ranking_id", lambda imp: dict(imp, ranking_id=" ")),
    ("impression_missing_customer_id", lambda imp: {k: v for k, v in imp.items() if k != "customer_id"}),
    ("impression_invalid_date", lambda imp: dict(imp, dt=imp["dt"].replace("-", "/"))),
    ("impression_invalid_impressions", lambda imp: dict(imp, impressions=[{"item_id": "x"}])),
    ("impression_invalid_impressions", lambda imp: dict(imp, impressions="[1,2]")),
    ("impression_invalid_impressions", lambda imp: dict(imp, impressions=[{"is_order": True}])),
)


def _bad_impressions(g: _Gen, n: int) -> None:
    for key, make in BAD_IMPRESSIONS:
        g.put("impressions", n, make(_ranking(g, g.rng.choice(g.customers), g.day(n), 3)))
        g.counts[key] += 1


def _parquet(records: list[dict]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({
        "dt": pa.array([date.fromisoformat(r["dt"]) for r in records], pa.date32()),
        "customer_id": pa.array([int(r["customer_id"]) for r in records], pa.int64()),
        "item_id": pa.array([r["item_id"] for r in records], pa.int32()),
        "click_time": pa.array([datetime.fromisoformat(r["click_time"].replace(" ", "T")) for r in records],
                               pa.timestamp("us", tz="UTC")),
    })
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def _lines(g: _Gen, records: list) -> bytes:
    text = []
    for r in records:
        text.append(r if isinstance(r, str) else json.dumps(r))
        if g.rng.random() < 0.01:
            text.append("   ")
    return ("\n".join(text) + "\n").encode()


def _typed_click(r) -> bool:
    """A clean click whose values can be stored with Parquet types."""
    if not (isinstance(r, dict) and isinstance(r.get("customer_id"), int) and isinstance(r.get("click_time"), str)):
        return False
    try:
        return r["click_time"].endswith("Z") and bool(datetime.fromisoformat(r["click_time"]))
    except ValueError:
        return False


def _files(g: _Gen, source: str, n: int) -> list[tuple[str, bytes]]:
    """The day's files of a source: NDJSON (clicks on odd days partly Parquet), a second
    impressions file on some days, and a ``_SUCCESS`` marker to be ignored."""
    stem = f"{source}-{g.day(n):%Y%m%d}"
    records = g.out.get((source, n), [])
    files = []
    if source == "clicks" and n % 2 == 1 and any(_typed_click(r) for r in records):
        files.append((f"{stem}-p.parquet", _parquet([r for r in records if _typed_click(r)])))
        records = [r for r in records if not _typed_click(r)]
        g.counts["parquet_file"] += 1
    if records:
        files.append((f"{stem}-a.ndjson", _lines(g, records)))
    if g.out.get(((source, "b"), n)):
        files.append((f"{stem}-b.ndjson", _lines(g, g.out[((source, "b"), n)])))
    return files + [("_SUCCESS", b"")]


def generate(settings: Settings, out: str, days: int = 14, seed: int = 42, start: date = date(2026, 1, 1),
             customers: int = 200, actions_per_day: int = 300, impressions_per_day: int = 30) -> dict:
    """Write ``days`` ingest days of recsys landing data under ``out``; returns trap counts."""
    g = _Gen(seed, start, days, customers)
    _pre_history(g)
    shown: list = []
    for n in range(days):
        _day_actions(g, n, actions_per_day)
        _bad_actions(g, n)
        _redeliveries(g, n, shown)
        _day_impressions(g, n, impressions_per_day, shown)
        _bad_impressions(g, n)
    for n in range(days):
        for source in SOURCES:
            for name, data in _files(g, source, n):
                write_bytes(settings, join(out, "recsys", source, f"ingest_date={g.day(n).isoformat()}", name), data)
    return dict(sorted(g.counts.items()))
