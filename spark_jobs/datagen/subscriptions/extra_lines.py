"""Extra event lines of the generator: late, future and repeated events, refund puzzles,
and lines that must be quarantined (exactly one defect each, the reason being the key)."""
from __future__ import annotations

import json

from spark_jobs.datagen.subscriptions.events import (
    ACTIVITY, DayBuf, fresh_event, later, pick, purchase, purchase_ref, random_time, refund, signup,
)
from spark_jobs.datagen.subscriptions.world import PRICES, SECOND_US, SIGNUP_CHANNELS, World

dumps = json.dumps
DROP = object()  # variant meaning "leave the field out"
_MONEY = ("purchase", "refund")


# ------------------------------------------------ extra valid events
def late(w: World, day: int, buf: DayBuf) -> None:
    if day >= 2 and w.pool:
        event_day = day - w.rng.randint(2, min(day, 5))
        f, _ = fresh_event(w, event_day, w.rng.choice(ACTIVITY))
        w.emit(day, dumps(f), event_day=event_day)  # counted as late_event by emit


def future(w: World, day: int, buf: DayBuf) -> None:
    if w.pool:
        f, _ = fresh_event(w, w.days - 1 + w.rng.randint(1, 14), w.rng.choice(ACTIVITY))
        w.emit(day, dumps(f), "future_event")


def repeat_signup(w: World, day: int, buf: DayBuf) -> None:
    """A user who signed up on an earlier day signs up again with another channel."""
    for _ in range(20 if w.pool else 0):
        user = w.rng.choice(w.pool)
        if user.signup_day is not None and user.signup_day < day:
            break
    else:
        return
    channel = w.rng.choice([c for c in SIGNUP_CHANNELS if c and c != user.channel])
    f, _ = signup(w, user, random_time(w, day), channel)
    w.emit(day, dumps(f), "repeat_signup", day)


def half_cent(w: World, day: int, buf: DayBuf) -> None:
    """A purchase whose amount ends in half a cent: rounding must go half up."""
    if w.pool:
        f, _ = fresh_event(w, day, "purchase")
        f["amount"] = w.cycle("half_cent", (10.005, 2.675, 0.125, 1.005, 19.995, 4.445))
        if f["schema_version"] == 2:
            f["currency"] = w.cycle("half_cent_currency", ("USD", "EUR"))
        w.emit(day, dumps(f), "half_cent_amount", day)


# ------------------------------------------------ refund puzzles
def _new_purchase(w: World, day: int, first_s: int = 0, last_s: int = 43_200) -> tuple[dict, tuple]:
    user = w.rng.choice(w.pool)
    f, ts = purchase(w, user, random_time(w, day, first_s, last_s), register=False)
    return f, purchase_ref(f, user, ts)


def refund_before_purchase(w: World, day: int, buf: DayBuf) -> None:
    """The refund arrives today, its purchase (same day, earlier) only tomorrow."""
    a0, a1 = w.arrival(day), w.arrival(day + 1)
    if w.pool and a0 is not None and a1 is not None and a1 > a0:
        f, ref = _new_purchase(w, day)
        r, _ = refund(w, ref, ref[5] + w.rng.randrange(60, 43_000) * SECOND_US)
        w.emit(day, dumps(r), "refund_before_purchase", day)
        w.emit(day + 1, dumps(f), event_day=day)


def refund_of_late_purchase(w: World, day: int, buf: DayBuf) -> None:
    """A purchase of 2-4 days ago arrives today (late); its refund today or tomorrow."""
    if day >= 2 and w.pool:
        event_day = day - w.rng.randint(2, min(day, 4))
        f, ref = _new_purchase(w, event_day)
        w.emit(day, dumps(f), event_day=event_day)
        r, _ = refund(w, ref, random_time(w, day))
        w.emit(later(w, day, (0, 1)), dumps(r), "refund_of_late_purchase", day)


def over_refund(w: World, day: int, buf: DayBuf) -> None:
    """Refunds of one purchase add up to more than it: one of 150 %, or two of 70 %."""
    if w.pool:
        f, ref = _new_purchase(w, day)
        w.emit(day, dumps(f), event_day=day)
        shares = (1.5,) if w.cycle("over_refund", (True, False)) else (0.7, 0.7)
        for share in shares:
            r, _ = refund(w, ref, ref[5] + w.rng.randrange(60, 43_000) * SECOND_US, round(ref[2] * share, 2))
            w.emit(later(w, day, (0, 1)), dumps(r), event_day=day)
        w.counts["over_refund"] += 1


def orphan(key: str):
    """A refund whose reference is unknown, not a purchase, or a quarantined purchase."""
    def make(w: World, day: int, buf: DayBuf) -> None:
        if not w.pool:
            return
        user = w.rng.choice(w.pool)
        if key == "orphan_refund_unknown_id":
            target = "ev-missing-%06d" % (w.counts[key] + 1)
        elif key == "orphan_refund_non_purchase":
            picked = pick(w, buf, ("page_view", "login"))
            if not picked:
                return
            target = picked[1]["event_id"]
        else:
            f, _ = fresh_event(w, day, "purchase", count=False)
            _set(f, "amount", w.cycle("invalid_amount", BAD_AMOUNTS))
            w.emit(day, dumps(f), "invalid_amount")
            target = f["event_id"]
        ref = (target, user, w.rng.choice(PRICES[user.currency]), user.currency, 2, 0)
        r, _ = refund(w, ref, random_time(w, day), ref[2])
        w.emit(day, dumps(r), key, day)
    return make


# ------------------------------------------------ lines to quarantine
BAD_AMOUNTS = (DROP, None, "", "abc", "9,99", -9.99, "-5.00", True, "NaN")


def _set(f: dict, field: str, value) -> None:
    if value is DROP:
        f.pop(field, None)
    else:
        f[field] = value


def broken(key: str, field: str, variants: tuple, types: tuple = ACTIVITY):
    """A new event whose only defect is the next variant of ``field`` (DROP removes it;
    a callable variant gets (world, day))."""
    def make(w: World, day: int, buf: DayBuf) -> None:
        if w.pool:
            f, _ = fresh_event(w, day, w.rng.choice(types), count=False)
            value = w.cycle(key, variants)
            value = value(w, day) if callable(value) else value
            if key == "unknown_currency":
                f["schema_version"] = 2
            _set(f, field, value)
            w.emit(day, dumps(f), key)
    return make


def _day_parts(w: World, day: int) -> tuple[str, str, str]:
    return tuple(w.iso(day).split("-"))


BAD_TIMESTAMPS = (
    lambda w, d: w.iso(d),                                           # a date alone
    lambda w, d: "%s/%s/%s 10:15:00" % _day_parts(w, d),             # slashes
    lambda w, d: "%s/%s/%s 10:15:00" % _day_parts(w, d)[::-1],       # day first
    lambda w, d: w.iso(d) + "T10:15",                                # no seconds
    lambda w, d: (w.day0 + d) * 86_400 + 36_900,                     # epoch number
    lambda w, d: str((w.day0 + d) * 86_400 + 36_900),                # epoch string
    lambda w, d: w.iso(d)[:5] + "13-45T10:15:00Z",                   # no such date
    lambda w, d: w.iso(d) + "T25:61:00Z",                            # no such time
    lambda w, d: w.iso(d) + "T10:15:00 UTC",
    "yesterday", "", None, DROP,
)


def invalid_json(w: World, day: int, buf: DayBuf) -> None:
    if not w.pool:
        return
    text = dumps(fresh_event(w, day, "page_view", count=False)[0])
    kinds = ("truncated", "array", "string", "null", "number", "quotes", "trailing", "html", "two")
    kind = w.cycle("invalid_json", kinds)
    line = {"truncated": text[: w.rng.randrange(2, len(text) - 1)], "array": f"[{text}]", "string": '"page_view"',
            "null": "null", "number": "12345", "quotes": text.replace('"', "'"), "trailing": text + " }",
            "html": "<html><body>502 Bad Gateway</body></html>", "two": text + text}[kind]
    w.emit(day, line, "invalid_json")


def blank_line(w: World, day: int, buf: DayBuf) -> None:
    w.emit(day, w.cycle("blank", ("", "   ")), "blank_line")
