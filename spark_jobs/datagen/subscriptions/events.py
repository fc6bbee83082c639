"""Clean app events of the generator: one day of activity of the user population.

Every builder returns ``(fields, ts)``: the event as a dict ready for ``json.dumps`` and
its instant in microseconds. ``count=False`` builds raw material for broken lines without
counting formats or versions.
"""
from __future__ import annotations

import json
from array import array
from bisect import bisect
from itertools import accumulate

from spark_jobs.datagen.subscriptions.tables import cancel_subscription, start_subscription
from spark_jobs.datagen.subscriptions.world import (
    CHANNEL_DISPLAY, OFFSETS_MIN, PRICES, SECOND_US, User, World, ts_text,
)

_TYPES = ("page_view", "login", "purchase", "trial_start", "trial_convert", "refund", "cancel")
_WEIGHTS = (52, 25, 8, 4, 1.5, 1.0, 0.5)
_CUM = [c / sum(_WEIGHTS) for c in accumulate(_WEIGHTS)]
_STYLES = ((0.80, "z"), (0.85, "colon"), (0.88, "compact"), (0.93, "space"), (1.01, "naive"))
STYLE_KEYS = {"z": "ts_format_z", "colon": "ts_format_offset_colon", "compact": "ts_format_offset_compact",
              "space": "ts_format_space_no_zone", "naive": "ts_format_t_no_zone"}
_OFFSET_STYLES = ("colon", "compact")
FRACTION_SHARE = 0.05
V1_SHARE = 0.25
ACTIVITY = ("page_view", "login", "purchase")  # types of late, future and conflicting events
_ABSENT = object()


class DayBuf:
    """The clean events of one day as JSON lines, their instants, and lines traps rewrote."""

    __slots__ = ("day", "lines", "ts", "touched")

    def __init__(self, day: int):
        self.day, self.lines, self.ts, self.touched = day, [], array("q"), set()


def stamp(w: World, ts: int, count: bool = True) -> tuple[str, int]:
    """Spell ``ts`` in a random accepted format (sometimes adding a fraction of a second)."""
    random = w.rng.random
    r = random()
    style = "z" if r < 0.80 else next(s for limit, s in _STYLES if r < limit)
    if random() < FRACTION_SHARE:
        ts += 1000 * int(1 + random() * 999) if random() < 0.5 else int(1 + random() * 999_999)
        if count:
            w.counts["ts_format_fraction"] += 1
    if count:
        w.counts[STYLE_KEYS[style]] += 1
    return ts_text(ts, style, OFFSETS_MIN[int(random() * len(OFFSETS_MIN))] if style in _OFFSET_STYLES else 0), ts


def base(w: World, user: User, etype: str, ts: int, count: bool = True, v: int | None = None) -> tuple[dict, int]:
    text, ts = stamp(w, ts, count)
    if v is None:
        v = 1 if w.rng.random() < V1_SHARE else 2
    if count:
        w.counts["schema_v1_event" if v == 1 else "schema_v2_event"] += 1
        if user.signup_day is None:
            w.seen_without_signup.add(user.id)
    return {"event_id": w.new_event_id(), "user_id": user.id, "event_type": etype, "timestamp": text,
            "schema_version": v}, ts


def signup(w: World, user: User, ts: int, channel=_ABSENT) -> tuple[dict, int]:
    """A signup; its channel is the user's (sometimes oddly spelled, sometimes missing)."""
    f, ts = base(w, user, "signup", ts)
    ch = user.channel if channel is _ABSENT else channel
    if ch is None:
        w.counts["signup_without_channel"] += 1
        value = w.cycle("signup_no_channel", (_ABSENT, None, "", "  "))
        if value is not _ABSENT:
            f["acquisition_channel"] = value
    elif w.rng.random() < 0.2:
        w.counts["signup_channel_spelling"] += 1
        spellings = (CHANNEL_DISPLAY[ch], f" {ch} ", ch.upper(), f" {CHANNEL_DISPLAY[ch]}")
        f["acquisition_channel"] = w.cycle("signup_spelling", spellings)
    else:
        f["acquisition_channel"] = ch
    return f, ts


def purchase_ref(f: dict, user: User, ts: int) -> tuple:
    """What a refund needs to know about a purchase."""
    return f["event_id"], user, f["amount"], f.get("currency", "USD"), f["schema_version"], ts


def purchase(w: World, user: User, ts: int, count: bool = True, register: bool = True) -> tuple[dict, int]:
    """A purchase: v1 in USD without currency, v2 in the user's currency, sometimes with tax."""
    f, ts = base(w, user, "purchase", ts, count)
    cur = user.currency if f["schema_version"] == 2 else "USD"
    f["amount"] = amount = w.rng.choice(PRICES[cur])
    if f["schema_version"] == 2:
        f["currency"] = cur
        if w.rng.random() < 0.4:
            f["tax"] = round(amount * 0.2, 2)
    if register:
        w.purchases.append(purchase_ref(f, user, ts))
    return f, ts


def refund(w: World, ref: tuple, ts: int, amount: float | None = None, count: bool = True) -> tuple[dict, int]:
    """A refund of purchase ``ref`` by its user, in its currency: full or half unless given."""
    event_id, user, paid, cur, v, _ = ref
    f, ts = base(w, user, "refund", ts, count, v)
    if amount is None:
        amount = paid if w.rng.random() < 0.6 else round(paid * 0.5, 2)
    f["amount"] = amount
    if v == 2:
        f["currency"] = cur
    f["refers_to_event_id"] = event_id
    return f, ts


def activity(w: World, day: int, user: User, ts: int) -> tuple[dict, int]:
    """One non-signup event; types whose precondition fails become page views."""
    etype = _TYPES[bisect(_CUM, w.rng.random())]
    if etype == "purchase":
        return purchase(w, user, ts)
    if etype == "refund" and w.purchases:
        ref = w.take(w.purchases)
        return refund(w, ref, max(ts, ref[5]))
    if etype == "trial_start" and user.state == 0:
        user.state = 1
        w.trialing.append(user)
        return base(w, user, etype, ts)
    if etype == "trial_convert" and w.trialing:
        trial_user = w.take(w.trialing)
        trial_user.state = 2
        f, ts = base(w, trial_user, etype, ts)
        start_subscription(w, trial_user, day, ts)
        return f, ts
    if etype == "cancel":
        canceled_user = cancel_subscription(w, day)
        if canceled_user:
            return base(w, canceled_user, etype, ts)
    return base(w, user, etype if etype in ("page_view", "login") else "page_view", ts)


def day_events(w: World, day: int) -> DayBuf:
    """The day's clean events in time order; today's signups are spread over the day and
    a user acts only after signing up."""
    rng, buf, dumps = w.rng, DayBuf(day), json.dumps
    signups = w.signups_by_day[day]
    n, left = max(w.events_per_day, len(signups)), len(signups)
    start = w.day_start(day)
    pool, random = w.pool, rng.random
    for i, sec in enumerate(sorted(int(random() * 86_400) for _ in range(n))):
        ts = start + sec * SECOND_US
        if left and (not pool or random() * (n - i) < left):
            user = signups[len(signups) - left]
            left -= 1
            f, ts = signup(w, user, ts)
            pool.append(user)
        elif pool:
            f, ts = activity(w, day, pool[int(random() * len(pool))], ts)
        else:
            continue
        buf.lines.append(dumps(f))
        buf.ts.append(ts)
    return buf


def fresh_event(w: World, day: int, etype: str, count: bool = True, user: User | None = None) -> tuple[dict, int]:
    """An extra event of ``etype`` at a random second of ``day`` (refunds refer to a known
    purchase when there is one). Nothing is registered for later refunds."""
    user = user or w.rng.choice(w.pool)
    ts = w.day_start(day) + w.rng.randrange(86_400) * SECOND_US
    if etype == "purchase":
        return purchase(w, user, ts, count, register=False)
    if etype == "refund":
        if w.purchases:
            return refund(w, w.rng.choice(w.purchases), ts, count=count)
        return refund(w, ("ev-000000000", user, 9.99, "USD", 2, ts), ts, count=count)
    return base(w, user, etype, ts, count)


def pick(w: World, buf: DayBuf, types: tuple | None = None) -> tuple[int, dict, int] | None:
    """A random untouched clean line of the day (of ``types``): (index, fields, ts)."""
    for _ in range(40 if buf.lines else 0):
        i = w.rng.randrange(len(buf.lines))
        if i not in buf.touched:
            f = json.loads(buf.lines[i])
            if types is None or f["event_type"] in types:
                return i, f, buf.ts[i]
    return None


def later(w: World, day: int, choices: tuple = (0, 0, 1, 2)) -> int:
    """Today or a later day that still arrives within the run."""
    target = day + w.rng.choice(choices)
    return target if w.arrival(target) is not None else day


def random_time(w: World, day: int, first_s: int = 0, last_s: int = 86_400) -> int:
    return w.day_start(day) + w.rng.randrange(first_s, last_s) * SECOND_US
