"""Event traps of the generator (see ``generate`` for the list) and their schedule.

Each trap makes one case and counts it under its key. Spelling traps rewrite a clean
line of the day in place (same meaning); copy traps re-send a clean line; version traps
send another payload under the same event_id; ``_gen_extra_lines`` adds new lines.
"""
from __future__ import annotations

import json

from spark_jobs.datagen.subscriptions import extra_lines as x
from spark_jobs.datagen.subscriptions.events import ACTIVITY, DayBuf, later, pick
from spark_jobs.datagen.subscriptions.world import DAY_US, OFFSETS_MIN, SECOND_US, User, World, ts_text

dumps = json.dumps
_MONEY = ("purchase", "refund")
_NON_MONEY = ("page_view", "login", "signup", "trial_start", "trial_convert", "cancel")


# ------------------------------------------------ same meaning, other spelling
def _numeric_string(w: World, f: dict) -> None:
    if "amount" in f:
        f["amount"] = str(f["amount"])
    else:
        f["schema_version"] = str(f["schema_version"])


def _padded(w: World, f: dict) -> None:
    field = w.cycle("padded", ("event_type", "user_id", "event_id", "currency"))
    field = field if field in f else "event_type"
    f[field] = w.cycle("pad", (f" {f[field]} ", f"  {f[field]}", f"{f[field]}   "))


def _case(w: World, f: dict) -> None:
    if "currency" in f and w.cycle("case", (True, False)):
        f["currency"] = f["currency"].lower()
    else:
        f["event_type"] = w.cycle("case_type", (f["event_type"].upper(), f["event_type"].title()))


def _empty(w: World, f: dict) -> None:
    if f.get("currency") == "USD":
        f["currency"] = ""  # missing currency means USD
    elif f["event_type"] not in _MONEY:
        f[w.cycle("empty", ("refers_to_event_id", "currency", "amount", "tax"))] = ""
    else:
        f["tax"] = ""


def _extra_field(w: World, f: dict) -> None:
    name, value = w.cycle("extra", (("app_version", "5.2.1"), ("device", {"os": "android", "model": "Pixel 8"}),
                                    ("experiments", ["paywall_b", "onboarding_v3"]), ("debug", None)))
    f[name] = value


def _non_money_currency(w: World, f: dict) -> None:
    f["currency"] = w.cycle("non_money_currency", ("EUR", "usd", "XYZ", " gbp "))


def _rewrite(key: str, change, types: tuple | None = None):
    def make(w: World, day: int, buf: DayBuf) -> None:
        picked = pick(w, buf, types)
        if picked:
            i, f, _ = picked
            change(w, f)
            buf.lines[i] = dumps(f)
            buf.touched.add(i)
            w.counts[key] += 1
    return make


# ------------------------------------------------ copies and versions
def _dup_same_day(w: World, day: int, buf: DayBuf) -> None:
    if buf.lines:
        w.emit(day, buf.lines[w.rng.randrange(len(buf.lines))], "exact_duplicate_same_day")


def _dup_across_days(w: World, day: int, buf: DayBuf) -> None:
    target = day + w.rng.randint(1, 3)
    if buf.lines and w.arrival(target) not in (None, w.arrival(day)):
        w.emit(target, buf.lines[w.rng.randrange(len(buf.lines))], "exact_duplicate_across_days")


def _other_instant_spelling(w: World, ts: int, old: str) -> str:
    for style in w.rng.sample(("z", "colon", "compact", "space", "naive"), 5):
        text = ts_text(ts, style, w.rng.choice(OFFSETS_MIN))
        if text != old:
            return text
    raise AssertionError("unreachable: five styles cannot all match")


def _respell(w: World, f: dict, ts: int) -> dict:
    """Same normalised payload: another spelling of the instant plus one more change."""
    g = dict(f, timestamp=_other_instant_spelling(w, ts, f["timestamp"]))
    change = w.cycle("respell", ("schema_version", "event_type", "amount", "user_id", "currency", "extra"))
    if change == "amount" and "amount" in g:
        a = g["amount"]
        g["amount"] = float(a) if isinstance(a, int) else (int(a) if a == int(a) else str(a))
    elif change == "schema_version":
        g["schema_version"] = str(g["schema_version"])
    elif change == "event_type":
        g["event_type"] = f" {g['event_type'].title()} "
    elif change == "user_id":
        g["user_id"] = f" {g['user_id']} "
    elif change == "currency":
        g["currency"] = g.get("currency", "USD").lower()  # missing currency is USD anyway
    else:
        g["app_version"] = "5.3.0"
    return g


def _equivalent(w: World, day: int, buf: DayBuf) -> None:
    picked = pick(w, buf)
    if picked:
        i, f, ts = picked
        buf.touched.add(i)
        w.emit(later(w, day), dumps(_respell(w, f, ts)), "duplicate_equivalent_spelling")


def _other_user(w: World, user_id: str) -> User:
    while True:
        user = w.rng.choice(w.pool)
        if user.id != user_id:
            return user


def _mutate(w: World, f: dict, ts: int, allow_version: bool = True) -> dict:
    """A different normalised payload for the same event_id (schema_version only if allowed)."""
    g = dict(f)
    kinds = ("timestamp", "user", "amount_or_type") + (("version",) if allow_version else ())
    kind = w.cycle("mutate" + str(allow_version), kinds)
    if kind == "timestamp":
        shift = w.rng.randrange(60, 3600) * SECOND_US
        moved = ts + shift if (ts + shift) // DAY_US == ts // DAY_US else ts - shift  # same UTC day
        g["timestamp"] = ts_text(moved)
    elif kind == "user":
        g["user_id"] = _other_user(w, f["user_id"]).id
    elif g["event_type"] == "purchase":
        g["amount"] = round(g["amount"] + 1, 2)  # only ever up: refunds stay within the amount
    elif kind == "version":
        g["schema_version"] = 3 - g["schema_version"]
    else:
        g["event_type"] = "login" if g["event_type"] == "page_view" else "page_view"
    return g


def _conflict(w: World, day: int, buf: DayBuf) -> None:
    picked = pick(w, buf, ACTIVITY)
    if picked and len(w.pool) > 1:
        i, f, ts = picked
        buf.touched.add(i)
        w.emit(later(w, day), dumps(_mutate(w, f, ts)), "conflict_version", day)


def _conflict_aba(w: World, day: int, buf: DayBuf) -> None:
    """Version A today, B on day+1, A again on day+3: A must win."""
    arrivals = [w.arrival(day + k) for k in (0, 1, 3)]
    picked = None if None in arrivals or len(set(arrivals)) < 3 else pick(w, buf, ACTIVITY)
    if picked and len(w.pool) > 1:
        i, f, ts = picked
        buf.touched.add(i)
        w.emit(day + 1, dumps(_mutate(w, f, ts, allow_version=False)), "conflict_version_aba", day)
        w.emit(day + 3, buf.lines[i])


EVENT_TRAPS = (  # (count key, rate per clean event of the day, maker); in-place rewrites first
    ("numeric_string", 0.01, _rewrite("numeric_string", _numeric_string)),
    ("whitespace_padded", 0.01, _rewrite("whitespace_padded", _padded)),
    ("case_variant", 0.01, _rewrite("case_variant", _case)),
    ("empty_string_as_missing", 0.01, _rewrite("empty_string_as_missing", _empty)),
    ("unknown_extra_field", 0.01, _rewrite("unknown_extra_field", _extra_field)),
    ("currency_on_non_money_event", 0.01, _rewrite("currency_on_non_money_event", _non_money_currency, _NON_MONEY)),
    ("exact_duplicate_same_day", 0.01, _dup_same_day),
    ("exact_duplicate_across_days", 0.01, _dup_across_days),
    ("duplicate_equivalent_spelling", 0.01, _equivalent),
    ("conflict_version", 0.005, _conflict),
    ("conflict_version_aba", 0.002, _conflict_aba),
    ("late_event", 0.015, x.late),
    ("future_event", 0.003, x.future),
    ("repeat_signup", 0.002, x.repeat_signup),
    ("half_cent_amount", 0.003, x.half_cent),
    ("refund_before_purchase", 0.002, x.refund_before_purchase),
    ("refund_of_late_purchase", 0.002, x.refund_of_late_purchase),
    ("over_refund", 0.002, x.over_refund),
    ("orphan_refund_unknown_id", 0.002, x.orphan("orphan_refund_unknown_id")),
    ("orphan_refund_non_purchase", 0.002, x.orphan("orphan_refund_non_purchase")),
    ("orphan_refund_quarantined_purchase", 0.001, x.orphan("orphan_refund_quarantined_purchase")),
    ("invalid_json", 0.005, x.invalid_json),
    ("missing_event_id", 0.005, x.broken("missing_event_id", "event_id", (x.DROP, None, "", "   "))),
    ("unknown_event_type", 0.005, x.broken("unknown_event_type", "event_type", (
        "checkout", "Add_To_Cart", "purchased", "PAGEVIEW", "", None, x.DROP))),
    ("invalid_timestamp", 0.005, x.broken("invalid_timestamp", "timestamp", x.BAD_TIMESTAMPS)),
    ("missing_user_id", 0.005, x.broken("missing_user_id", "user_id", (x.DROP, None, "", "  "))),
    ("invalid_schema_version", 0.005, x.broken("invalid_schema_version", "schema_version", (
        x.DROP, None, 3, 0, "v2", "", 1.5, "two"))),
    ("invalid_amount", 0.005, x.broken("invalid_amount", "amount", x.BAD_AMOUNTS, _MONEY)),
    ("unknown_currency", 0.003, x.broken("unknown_currency", "currency", ("XYZ", "BTC", "EURO", "US$", "€"), _MONEY)),
    ("missing_refund_reference", 0.003, x.broken("missing_refund_reference", "refers_to_event_id", (
        x.DROP, None, "", "  "), ("refund",))),
    ("blank_line", 0.005, x.blank_line),
)


def inject(w: World, day: int, buf: DayBuf) -> None:
    """Add today's event traps to ``buf`` (rewrites) and the outbox (extra lines)."""
    n = len(buf.lines)
    for key, rate, make in EVENT_TRAPS:
        for _ in range(w.quota(key, rate * n, day)):
            make(w, day, buf)
