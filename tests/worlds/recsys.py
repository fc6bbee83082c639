"""Hard-case landing world for the `recsys` domain, written from the specs.

`write_world` writes `recsys/{impressions,clicks,add_to_carts,previous_orders}` NDJSON
under `<landing>/recsys/<source>/ingest_date=YYYY-MM-DD/` with the traps of
`specs/recsys.md` (lookback edge of rebuilt dts, late actions, re-delivered carousels,
the 1000-action cut, a late-starting source, bad lines) and returns how many of each
trap it wrote. Only `random.Random(seed)` drives it: same (seed, args) -> same bytes.
"""
from __future__ import annotations

import json
import random
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

from .subscriptions import OFFSETS_MIN, TS_STYLES, format_timestamp, midnight

DOMAIN = "recsys"
SOURCES = ("impressions", "clicks", "add_to_carts", "previous_orders")

# customers (about 25); one int64-sized id
EDGE_FULL = 1001        # full lookback edge set, late actions
EDGE_GAP = 1002         # edge set, latest action several days before the rebuilt dt
EDGE_LATE = 1003        # edge set, late actions 1 day before dt
ONLY_OLD = 1004         # only very old actions (around the lookback edge)
TIES = 1005             # order/cart/click with the same action_ts
HEAVY = 1020            # > 1000 actions inside the window
SAME_DAY_ONLY = 1024    # only actions on/after its impression dt
NO_HISTORY = 1025       # shown, never acted
BIG_ID = 5_000_000_001  # an int64 customer id
CUSTOMERS = tuple(range(1001, 1025)) + (BIG_ID, NO_HISTORY)
NORMAL = tuple(c for c in CUSTOMERS if c not in (ONLY_OLD, HEAVY, SAME_DAY_ONLY, NO_HISTORY))
# customers that get random everyday actions (the gap customer must stay quiet)
ACTIVE = tuple(c for c in NORMAL if c != EDGE_GAP)
GARBAGE_TS = ("tomorrow", "2024-01-05T25:61:00Z", "05/01/2024 10:00:00", "not a time",
              "2024-01-05T10:00")


def previous_orders_first_day(days: int) -> int:
    """0-based index of the first previous_orders delivery (the late-starting source)."""
    return max(1, days // 3)


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=True)



def day_text(day: date | str | None, ts: datetime | None) -> str:
    """A record's date field: as given (a string may be deliberately invalid), else ts's date."""
    return day if isinstance(day, str) else (day or ts.date()).isoformat()

class _World:
    def __init__(self, rng: random.Random, start: date, days: int, lookback_days: int,
                 counts: Counter):
        self.rng, self.start, self.days, self.c = rng, start, days, counts
        self.L = timedelta(days=lookback_days)
        self.P = previous_orders_first_day(days)
        self.files: dict[tuple[str, int, str], list[str]] = {}
        self.style_rr = 0
        self.seq = 0
        self.lines_by_day: dict[tuple[str, int], list[str]] = {}

    # basics ---------------------------------------------------------------
    def day(self, i: int) -> date:
        return self.start + timedelta(days=i)

    def last(self, i: int) -> int:
        return min(i, self.days - 1)

    def ts_text(self, ts: datetime, style: str | None = None, offset: int | None = None) -> str:
        if style is None:
            style = TS_STYLES[self.style_rr % len(TS_STYLES)]
            self.style_rr += 1
        if offset is None:
            offset = self.rng.choice(OFFSETS_MIN)
        text = format_timestamp(ts, style, offset)
        self.c[f"ts_style_{style}"] += 1
        if "." in text:
            self.c["ts_fractional"] += 1
        return text

    def rand_ts(self, d: date) -> datetime:
        rng = self.rng
        ts = midnight(d) + timedelta(seconds=rng.randint(1, 86399))
        if rng.random() < 0.3:
            ts = ts.replace(microsecond=rng.choice((rng.randint(1, 999) * 1000, rng.randint(1, 999_999))))
        return ts

    def spell_id(self, v: int):
        if self.rng.random() < 0.08:
            self.c["numeric_string_ids"] += 1
            return str(v) if self.rng.random() < 0.7 else f" {v} "
        return v

    def item(self) -> int:
        return self.rng.randint(1, 300)

    def put(self, source: str, i: int, line: str, fname: str | None = None) -> None:
        if source == "previous_orders" and self.P >= self.days:
            return                      # a world too short to see the late source arrive
        assert 0 <= i < self.days
        if source == "previous_orders":
            assert i >= self.P, "previous_orders must not arrive before its first day"
        if fname is None:
            fname = "part-00000.ndjson"
        self.files.setdefault((source, i, fname), []).append(line)
        self.lines_by_day.setdefault((source, i), []).append(line)

    def emit(self, source: str, i: int, obj, fname: str | None = None) -> str:
        line = _dumps(obj)
        self.put(source, i, line, fname)
        return line

    # actions -----------------------------------------------------------------
    def click(self, i: int, cust, item, ts: datetime | None, *, dt: date | str | None = None,
              style: str | None = None, offset: int | None = None, time_value="absent") -> str:
        o = {"dt": day_text(dt, ts), "customer_id": self.id_text(cust), "item_id": self.id_text(item)}
        self.set_time(o, "click_time", ts, style, offset, time_value)
        return self.emit("clicks", i, o)

    def cart(self, i: int, cust, config, ts: datetime | None, *, dt: date | str | None = None,
             style: str | None = None, offset: int | None = None, time_value="absent") -> str:
        o = {"dt": day_text(dt, ts), "customer_id": self.id_text(cust), "config_id": self.id_text(config),
             "simple_id": self.simple_id(config)}
        self.set_time(o, "occurred_at", ts, style, offset, time_value)
        return self.emit("add_to_carts", i, o)

    def order(self, i: int, cust, config, ts: datetime | None, *, order_date: date | str | None = None,
              style: str | None = None, offset: int | None = None) -> str:
        o = {"order_date": day_text(order_date, ts), "customer_id": self.id_text(cust),
             "config_id": self.id_text(config), "simple_id": self.simple_id(config),
             "occurred_at": None if ts is None else self.ts_text(ts, style, offset)}
        if ts is None:
            self.c["order_null_occurred_at"] += 1
        return self.emit("previous_orders", i, o)

    def id_text(self, value):
        """An int id as written (sometimes a numeric string); anything else as given."""
        return self.spell_id(value) if isinstance(value, int) else value

    def set_time(self, o: dict, field: str, ts: datetime | None, style, offset, time_value) -> None:
        """The action's time field: ``ts`` spelt in a style, else ``time_value`` unless absent."""
        if ts is not None:
            o[field] = self.ts_text(ts, style, offset)
        elif time_value != "absent":
            o[field] = time_value

    def simple_id(self, config):
        r = self.rng.random()
        if r < 0.05:
            self.c["simple_id_missing_or_odd"] += 1
            return self.rng.choice((None, "", "XL-red"))
        return f"{config}-{self.rng.choice(('S', 'M', 'L'))}"

    # impressions -----------------------------------------------------------
    def ranking_id(self) -> str:
        self.seq += 1
        return f"rk-{self.rng.getrandbits(32):08x}-{self.seq:04d}"

    def carousel(self, n: int) -> list[dict]:
        rng = self.rng
        items = rng.sample(range(1, 301), n)
        return [{"item_id": it, "is_order": rng.random() < 0.1} for it in items]

    def impression(self, i: int, dt: date, cust, rid: str | None = None, items="rand",
                   fname: str | None = None) -> str:
        assert self.start <= dt <= self.day(i) and (self.day(i) - dt).days <= 3, (i, dt)
        if items == "rand":
            items = self.carousel(self.rng.randint(3, 8))
        o = {"dt": dt.isoformat(), "ranking_id": rid or self.ranking_id(),
             "customer_id": self.spell_id(cust) if isinstance(cust, int) else cust,
             "impressions": items}
        if (self.day(i) - dt).days:
            self.c["late_impressions"] += 1
        return self.emit("impressions", i, o, fname)

    # scenario parts ----------------------------------------------------------
    def lookback_edges(self) -> None:
        """Actions at the lookback edge of dts d=0 and d=1, arriving on day 0."""
        c = self.c
        edge_days = [0, 1] if self.days > 1 else [0]
        for d in edge_days:
            dt = self.day(d)
            start_w = midnight(dt) - self.L                  # inclusive window start
            for cust in (EDGE_FULL, EDGE_GAP, EDGE_LATE, ONLY_OLD):
                self.click(0, cust, self.item(), start_w, style="Z")
                c["edge_at_window_start_inside"] += 1
                self.cart(0, cust, self.item(), start_w + timedelta(seconds=1), style="colon", offset=120)
                c["edge_plus_1s_inside"] += 1
                self.click(0, cust, self.item(), start_w - timedelta(seconds=1), style="hhmm", offset=-300)
                c["edge_minus_1s_outside"] += 1
                self.cart(0, cust, self.item(), start_w - timedelta(microseconds=1), style="Z")
                c["edge_minus_1us_outside"] += 1
                if cust in (EDGE_FULL, EDGE_LATE):
                    self.click(0, cust, self.item(), midnight(dt) - timedelta(microseconds=1), style="Z")
                    c["edge_just_before_dt_inside"] += 1
                    self.cart(0, cust, self.item(), midnight(dt) - timedelta(seconds=1), style="T")
                    c["edge_just_before_dt_inside"] += 1
                    self.click(0, cust, self.item(), midnight(dt), style="colon", offset=-60)
                    c["edge_at_dt_midnight_excluded"] += 1
                if cust == ONLY_OLD:
                    for k in (2, 5, 9):
                        self.click(0, cust, self.item(), start_w + timedelta(days=k, hours=3))
                    c["customer_only_very_old_actions"] += 1
            # the impressions themselves (dt d delivered on day d)
            for cust in (EDGE_FULL, EDGE_GAP, EDGE_LATE, ONLY_OLD):
                self.impression(d, dt, cust)
        c["gap_customer_latest_action_days_before_dt"] += 1   # EDGE_GAP: no recent action

    def late_edge_actions(self) -> None:
        """Late actions 1-5 days before an earlier impression dt, arriving 1-5 days after."""
        c = self.c
        S = self.start
        plan = [
            # (customer, action date, arrival day index)
            (EDGE_FULL, S - timedelta(days=3), 1),      # 3 days before dt0, arrives 4 days later
            (EDGE_FULL, S - timedelta(days=1), 2),      # 1 day before dt0 / 2 before dt1
            (EDGE_GAP, S - timedelta(days=4), 1),       # gap: latest action 4-5 days before dt
            (EDGE_GAP, S - timedelta(days=3), 2),
            (EDGE_LATE, S - timedelta(days=1), 1),
            (EDGE_LATE, S, 3),                          # 1 day before dt1, arrives 3 days later
        ]
        for n, (cust, d, arr) in enumerate(plan):
            arr = self.last(arr)
            if arr < 1 or not (1 <= (self.day(arr) - d).days <= 5):
                continue
            ts = midnight(d) + timedelta(hours=10 + n, minutes=7)
            if cust == EDGE_GAP:
                ts = midnight(d) + timedelta(hours=3)
            (self.click if n % 2 else self.cart)(arr, cust, self.item(), ts)
            c["late_action_rebuilds_built_dt"] += 1
        # EDGE_GAP has no action newer than S-3 before dt1: several days of gap

    def heavy(self) -> None:
        """One customer with > 1000 actions inside the window of dt0 (clicks day 0, orders day P)."""
        rng, c = self.rng, self.c
        hi = midnight(self.start) - timedelta(seconds=1)
        lo = midnight(self.start) - self.L + timedelta(hours=1)
        span = int((hi - lo).total_seconds())
        n_clicks, n_orders = 760, 420
        for _ in range(n_clicks):
            ts = lo + timedelta(seconds=rng.randint(0, span))
            o = {"dt": ts.date().isoformat(), "customer_id": HEAVY, "item_id": self.item(),
                 "click_time": format_timestamp(ts, "Z")}
            self.emit("clicks", 0, o, "part-00001.ndjson")
        for _ in range(n_orders):
            ts = lo + timedelta(seconds=rng.randint(0, span))
            o = {"order_date": ts.date().isoformat(), "customer_id": HEAVY, "config_id": self.item(),
                 "simple_id": None, "occurred_at": format_timestamp(ts, "Z")}
            self.emit("previous_orders", self.P, o, "part-00001.ndjson")
        c["heavy_customer_actions_in_window"] += n_clicks + n_orders
        for i in range(self.days):
            if i % 2 == 0 or i < 2:
                self.impression(i, self.day(i), HEAVY)

    def ties(self) -> None:
        c = self.c
        X = midnight(self.start) - timedelta(days=3) + timedelta(hours=12, minutes=30)
        self.click(0, TIES, 11, X, style="Z")
        self.cart(0, TIES, 12, X, style="colon", offset=120)
        self.order(self.P, TIES, 13, X, style="hhmm", offset=-300)
        c["tie_order_cart_click_same_ts"] += 1
        X2 = X + timedelta(hours=2, microseconds=250_000)
        self.click(0, TIES, 40, X2, style="Z")
        self.click(0, TIES, 9, X2, style="T")
        self.click(0, TIES, 27, X2, style="space")
        c["tie_same_ts_type_different_items"] += 1
        X3 = X + timedelta(hours=3)
        self.cart(0, TIES, 70, X3)
        self.cart(0, TIES, 7, X3)
        c["tie_same_ts_type_different_items"] += 1
        # a tie made by fallbacks: click without time (dt 00:00), order with null occurred_at
        d = self.start - timedelta(days=2)
        self.click(0, TIES, 55, None, dt=d)
        self.order(self.P, TIES, 56, None, order_date=d)
        self.cart(0, TIES, 57, midnight(d), style="Z")
        c["tie_via_time_fallback"] += 1
        c["missing_time_fallback"] += 1
        for i in range(min(self.days, 3)):
            self.impression(i, self.day(i), TIES)

    def carousels(self) -> None:
        """Re-delivered carousels (key dt, ranking_id)."""
        c = self.c
        D0 = self.day(0)
        D1 = self.day(min(1, self.days - 1))
        d1 = self.last(1)
        d2 = self.last(2)
        d3 = self.last(3)
        cs = list(NORMAL)
        # fewer items later
        rid = self.ranking_id()
        self.impression(0, D0, cs[5], rid, self.carousel(6))
        self.impression(d1, D0, cs[5], rid, self.carousel(3))
        c["carousel_redelivered_fewer_items"] += 1
        # empty array later
        rid = self.ranking_id()
        self.impression(0, D0, cs[6], rid, self.carousel(5))
        self.impression(d2, D0, cs[6], rid, [])
        c["carousel_redelivered_empty"] += 1
        # null later
        rid = self.ranking_id()
        self.impression(d1, D1, cs[7], rid, self.carousel(4))
        if (self.day(d3) - D1).days <= 3:
            self.impression(d3, D1, cs[7], rid, None)
        c["carousel_redelivered_null"] += 1
        # twice within one day in two files: the later file name wins
        rid = self.ranking_id()
        self.impression(d1, D1, cs[8], rid, self.carousel(5), "part-00000.ndjson")
        self.impression(d1, D1, cs[8], rid, self.carousel(3), "part-00001.ndjson")
        c["carousel_twice_same_day_two_files"] += 1
        # twice in one file: the later line wins (with more items)
        rid = self.ranking_id()
        self.impression(d1, D1, cs[9], rid, self.carousel(3), "part-00000.ndjson")
        self.impression(d1, D1, cs[9], rid, self.carousel(6), "part-00000.ndjson")
        c["carousel_twice_same_file"] += 1
        # an invalid re-delivery does not replace the valid one
        rid = self.ranking_id()
        self.impression(0, D0, cs[10], rid, self.carousel(4))
        self.impression(d1, D0, cs[10], rid, "oops")
        c["carousel_redelivered_invalid"] += 1
        c["invalid_impressions"] += 1
        # same ranking_id on another dt is another key
        rid = self.ranking_id()
        self.impression(0, D0, cs[11], rid, self.carousel(4))
        self.impression(d1, D1, cs[11], rid, self.carousel(4))
        c["same_ranking_id_other_dt"] += 1
        # first delivery already empty / null, and a repeated item inside one carousel
        self.impression(0, D0, cs[12], None, [])
        self.impression(0, D0, cs[12], None, None)
        c["carousel_empty_or_null_first_delivery"] += 2
        items = self.carousel(4)
        items.append(dict(items[1]))
        self.impression(0, D0, cs[13], None, items)
        c["carousel_repeated_item"] += 1

    def special_customers(self) -> None:
        c = self.c
        for i in range(self.days):
            if i % 3 == 0 or i == 1:
                self.impression(i, self.day(i), NO_HISTORY)
        c["customer_without_history"] += 1
        D0 = self.day(0)
        self.impression(0, D0, SAME_DAY_ONLY)
        self.click(0, SAME_DAY_ONLY, self.item(), midnight(D0), style="Z")
        self.cart(0, SAME_DAY_ONLY, self.item(), midnight(D0) + timedelta(hours=9))
        c["customer_only_same_day_actions"] += 1
        self.impression(0, D0, str(BIG_ID))
        self.click(0, BIG_ID, self.item(), midnight(D0) - timedelta(hours=5))
        c["int64_customer_id"] += 1
        c["numeric_string_ids"] += 1

    def backfill(self) -> None:
        """previous_orders first arrives on day P with about a year of history."""
        rng, c = self.rng, self.c
        P = self.P
        DP = self.day(P)
        for cust in NORMAL:
            if cust in (EDGE_GAP,):
                continue
            for _ in range(rng.randint(6, 14)):
                d = DP - timedelta(days=rng.randint(1, 400))
                if rng.random() < 0.2:
                    self.order(P, cust, self.item(), None, order_date=d)
                else:
                    ts = self.rand_ts(d)
                    od = d + timedelta(days=1) if rng.random() < 0.05 else d
                    if od != d:
                        c["order_date_differs_from_occurred_at"] += 1
                    self.order(P, cust, self.item(), ts, order_date=od)
                c["backfill_orders"] += 1
        # the lookback edge of dts already built before P (and of the first ones anyway)
        for d in sorted({0, min(1, self.days - 1)} | set(range(P))):
            dt = self.day(d)
            edge = midnight(dt) - self.L
            for cust in (EDGE_FULL, EDGE_LATE, ONLY_OLD):
                if d >= 2:      # shown on that already built dt too
                    self.impression(d, dt, cust)
                self.order(P, cust, self.item(), None, order_date=edge.date())   # fallback = edge: inside
                c["backfill_edge_null_time_fallback_inside"] += 1
                self.order(P, cust, self.item(), None, order_date=edge.date() - timedelta(days=1))
                c["backfill_edge_day_before_outside"] += 1
                self.order(P, cust, self.item(), edge + timedelta(seconds=1), style="Z")
                c["edge_plus_1s_inside"] += 1
                self.order(P, cust, self.item(), edge - timedelta(seconds=1), style="colon", offset=330)
                c["edge_minus_1s_outside"] += 1
        # the late-starting source also rebuilds: orders of the edge customers before dt0
        self.order(P, EDGE_FULL, self.item(), midnight(self.start) - timedelta(hours=30))
        self.order(P, EDGE_GAP, self.item(), midnight(self.start) - timedelta(days=6, hours=2))
        c["late_action_rebuilds_built_dt"] += 2

    def daily(self, i: int) -> None:
        """Ordinary traffic plus per-day traps for ingest day i."""
        rng, c = self.rng, self.c
        D = self.day(i)
        # impressions
        for _ in range(rng.randint(8, 12)):
            k = rng.choice((0, 0, 0, 1, 2, 3))
            dt = D - timedelta(days=min(k, i))
            self.impression(i, dt, rng.choice(ACTIVE))
        # clicks/carts from yesterday and today; some late
        for _ in range(rng.randint(25, 35)):
            r = rng.random()
            back = rng.randint(2, 5) if r < 0.15 else (1 if r < 0.8 else 0)
            c["late_actions"] += back >= 2
            ts = self.rand_ts(D - timedelta(days=back))
            self.click(i, rng.choice(ACTIVE), self.item(), ts)
        for _ in range(rng.randint(12, 18)):
            back = rng.randint(2, 5) if rng.random() < 0.2 else rng.choice((0, 1, 1))
            c["late_actions"] += back >= 2
            self.cart(i, rng.choice(ACTIVE), self.item(), self.rand_ts(D - timedelta(days=back)))
        if i > self.P:
            for _ in range(rng.randint(4, 7)):
                back = rng.randint(1, 5)
                c["late_actions"] += back >= 2
                d = D - timedelta(days=back)
                self.order(i, rng.choice(ACTIVE), self.item(),
                           None if rng.random() < 0.25 else self.rand_ts(d), order_date=d)
        # forced late actions (1-5 days after their date)
        for back in (rng.randint(2, 5), rng.randint(1, 5)):
            self.click(i, rng.choice(ACTIVE), self.item(), self.rand_ts(D - timedelta(days=back)))
            self.cart(i, rng.choice(ACTIVE), self.item(), self.rand_ts(D - timedelta(days=back)))
            c["late_actions"] += 2

        # missing time -> dt 00:00 fallback (absent, null, empty string)
        for v in ("absent", None, ""):
            self.click(i, rng.choice(ACTIVE), self.item(), None, dt=D - timedelta(days=1), time_value=v)
            self.cart(i, rng.choice(ACTIVE), self.item(), None, dt=D - timedelta(days=1), time_value=v)
            c["missing_time_fallback"] += 2
        # missing time and a bad/missing fallback date -> invalid_timestamp
        self.click(i, rng.choice(ACTIVE), self.item(), None, dt="2024/13/01", time_value=None)
        o = {"customer_id": rng.choice(ACTIVE), "config_id": self.item(), "simple_id": "x"}
        self.emit("add_to_carts", i, o)
        c["missing_time_bad_fallback"] += 2
        # present but unparseable times (a bare date is not a timestamp)
        self.click(i, rng.choice(ACTIVE), self.item(), None, dt=D, time_value=D.isoformat())
        self.cart(i, rng.choice(ACTIVE), self.item(), None, dt=D, time_value=rng.choice(GARBAGE_TS))
        c["invalid_timestamp"] += 2
        # dt that disagrees with the time (time wins), and an invalid dt with a valid time
        ts = self.rand_ts(D - timedelta(days=1))
        self.click(i, rng.choice(ACTIVE), self.item(), ts, dt=D)
        c["action_dt_differs_from_time"] += 1
        self.cart(i, rng.choice(ACTIVE), self.item(), self.rand_ts(D - timedelta(days=1)), dt="n/a")
        c["action_invalid_dt_valid_time"] += 1
        # missing ids
        for v in ("absent", None, ""):
            o = {"dt": D.isoformat(), "item_id": self.item(),
                 "click_time": self.ts_text(self.rand_ts(D)), "customer_id": v}
            if v == "absent":
                del o["customer_id"]
            self.emit("clicks", i, o)
            c["missing_customer_id"] += 1
        o = {"dt": D.isoformat(), "customer_id": rng.choice(ACTIVE),
             "click_time": self.ts_text(self.rand_ts(D))}
        self.emit("clicks", i, o)
        self.cart(i, rng.choice(ACTIVE), rng.choice((None, "")), self.rand_ts(D))
        c["missing_item_id"] += 2
        # unknown extra fields
        o = {"dt": D.isoformat(), "customer_id": rng.choice(ACTIVE), "item_id": self.item(),
             "click_time": self.ts_text(self.rand_ts(D)), "session_id": "s-1", "device": {"os": "ios"}}
        self.emit("clicks", i, o)
        c["unknown_extra_fields"] += 1
        # corrupted lines and blank lines in each action source
        for src in ("clicks", "add_to_carts"):
            good = _dumps({"dt": D.isoformat(), "customer_id": rng.choice(ACTIVE), "item_id": 1,
                           "click_time": format_timestamp(self.rand_ts(D), "Z")})
            self.put(src, i, good[: rng.randint(8, len(good) - 4)])
            self.put(src, i, rng.choice(("[1,2]", '"x"', "42", "null")))
            self.put(src, i, "")
            c["corrupted_lines"] += 2
        # the same action line twice in one file, and re-delivered the next day
        line = self.click(i, rng.choice(ACTIVE), self.item(), self.rand_ts(D - timedelta(days=1)))
        self.put("clicks", i, line)
        c["action_line_twice_in_file"] += 1
        if i + 1 < self.days:
            self.put("clicks", i + 1, line)
            line2 = self.cart(i, rng.choice(ACTIVE), self.item(), self.rand_ts(D - timedelta(days=1)))
            self.put("add_to_carts", i + 1, line2)
            c["action_line_redelivered_later_day"] += 2

        # impression traps
        base = lambda: {"dt": D.isoformat(), "ranking_id": self.ranking_id(),  # noqa: E731
                        "customer_id": rng.choice(NORMAL), "impressions": self.carousel(3)}
        o = base(); del o["ranking_id"]; self.emit("impressions", i, o)
        o = base(); o["ranking_id"] = ""; self.emit("impressions", i, o)
        c["missing_ranking_id"] += 2
        for bad in (rng.choice(("2024/01/05", "not-a-date")),
                    rng.choice(("2024-02-30", D.isoformat() + "T00:00:00Z"))):
            o = base(); o["dt"] = bad; self.emit("impressions", i, o)
            c["invalid_dt"] += 1
        for bad in ({"item_id": 1, "is_order": False}, "1,2,3", [1, 2, 3],
                    [{"item_id": "abc", "is_order": False}], [{"item_id": 1.5, "is_order": True}],
                    [{"is_order": False}], [{"item_id": 4, "is_order": False}, 7]):
            o = base(); o["impressions"] = bad; self.emit("impressions", i, o)
            c["invalid_impressions"] += 1
        for v in ("absent", None, ""):
            o = base()
            if v == "absent":
                del o["customer_id"]
            else:
                o["customer_id"] = v
            self.emit("impressions", i, o)
            c["impression_missing_customer_id"] += 1
        good = _dumps(base())
        self.put("impressions", i, good[: len(good) // 2])
        self.put("impressions", i, "[]")
        self.put("impressions", i, "   ")
        c["corrupted_lines"] += 2

        if i >= self.P:
            good = _dumps({"order_date": D.isoformat(), "customer_id": 1010, "config_id": 3})
            self.put("previous_orders", i, good[:-7])
            o = {"order_date": D.isoformat(), "customer_id": None, "config_id": 5, "simple_id": None,
                 "occurred_at": None}
            self.emit("previous_orders", i, o)
            o = {"order_date": D.isoformat(), "customer_id": 1011, "simple_id": None,
                 "occurred_at": self.ts_text(self.rand_ts(D - timedelta(days=1)))}
            self.emit("previous_orders", i, o)
            o = {"order_date": "20240105", "customer_id": 1012, "config_id": 6, "simple_id": None,
                 "occurred_at": None}
            self.emit("previous_orders", i, o)
            c["corrupted_lines"] += 1
            c["missing_customer_id"] += 1
            c["missing_item_id"] += 1
            c["missing_time_bad_fallback"] += 1

    # output ----------------------------------------------------------------
    def write(self, landing: Path) -> None:
        for (src, i, fname) in sorted(self.files):
            folder = Path(landing) / DOMAIN / src / f"ingest_date={self.day(i).isoformat()}"
            folder.mkdir(parents=True, exist_ok=True)
            with open(folder / fname, "wb") as fh:
                fh.write(("\n".join(self.files[(src, i, fname)]) + "\n").encode("utf-8"))
            if i % 2 == 0 and fname == "part-00000.ndjson":
                with open(folder / "_SUCCESS", "wb") as fh:
                    fh.write(b"")
                with open(folder / ".part-00000.ndjson.crc", "wb") as fh:
                    fh.write(b"\x00garbage")
                self.c["ignored_files"] += 2


def write_world(landing: Path, start: date, days: int, seed: int,
                lookback_days: int = 365) -> dict[str, int]:
    """Write the recsys hard-case world under `landing`; return trap counts."""
    if days < 1:
        raise ValueError("days must be >= 1")
    c: Counter = Counter()
    w = _World(random.Random(seed), start, days, lookback_days, c)
    w.lookback_edges()
    w.late_edge_actions()
    w.heavy()
    w.ties()
    w.carousels()
    w.special_customers()
    w.backfill()
    for i in range(days):
        w.daily(i)
    w.write(Path(landing))
    c["previous_orders_first_day_index"] += w.P
    return dict(sorted(c.items()))
