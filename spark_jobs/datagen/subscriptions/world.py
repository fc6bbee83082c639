"""State and small helpers shared by the ``subscriptions`` data generator (see ``generate``).

Times are integer microseconds since 1970-01-01 UTC; days are indexes from the first
ingest day (0 .. days-1). Only ``World.rng`` produces randomness, so a run is a pure
function of its arguments. Sets are only tested, measured or read sorted, so string
hashing (PYTHONHASHSEED) cannot leak into the output.
"""
from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

SECOND_US = 1_000_000
DAY_US = 86_400 * SECOND_US
EPOCH = dt.date(1970, 1, 1)

# Users' currency shares and prices per currency: plans basic/pro/team are the first three.
CURRENCY_SHARE = {"USD": 55, "EUR": 12, "GBP": 8, "CAD": 5, "AUD": 4, "JPY": 4, "INR": 5, "BRL": 4, "NGN": 3}
PRICES = {
    "USD": (9.99, 19.99, 49.0, 4.99, 99.0), "EUR": (8.99, 17.99, 44.0, 4.49, 89.0),
    "GBP": (7.99, 15.99, 39.0, 3.99, 79.0), "CAD": (12.99, 26.99, 65.0, 6.99, 129.0),
    "AUD": (14.99, 29.99, 75.0, 7.49, 149.0), "JPY": (1500, 3000, 7500, 700, 15000),
    "INR": (799, 1599, 3999, 399, 7999), "BRL": (49.9, 99.9, 249.0, 24.9, 499.0),
    "NGN": (15000, 30000, 75000, 7500, 150000),
}
# Signup channels (None = no channel); spend is bought on the first four only.
SIGNUP_CHANNELS = {"google": 30, "facebook": 25, "tiktok": 15, "affiliate": 2, "organic": 15, "referral": 8, None: 5}
CHANNEL_DISPLAY = {"google": "Google", "facebook": "Facebook", "tiktok": "TikTok", "affiliate": "Affiliate",
                   "organic": "Organic", "referral": "Referral"}
OFFSETS_MIN = (60, 120, -300, 330, -480, 540, 0, -180)
USERS_WITHOUT_SIGNUP = 0.03


class User:
    __slots__ = ("id", "signup_day", "channel", "currency", "state")

    def __init__(self, uid: str, signup_day: int | None, channel: str | None, currency: str):
        self.id, self.signup_day, self.channel, self.currency = uid, signup_day, channel, currency
        self.state = 0  # 0 = nothing, 1 = trialing, 2 = subscribed


@dataclass
class World:
    """Everything one generator run knows: population, pending output and trap counts."""

    rng: random.Random
    start: dt.date
    days: int
    events_per_day: int
    signups_by_day: list[list[User]]
    pool: list[User]                      # users who may act now (signed up, or never will)
    missing_day: int | None               # the day whose events folder never arrived
    n_users: int = 0
    counts: Counter = field(default_factory=Counter)
    outbox: dict[int, list[str]] = field(default_factory=dict)    # extra event lines per ingest day
    purchases: list[tuple] = field(default_factory=list)         # refundable clean purchases
    trialing: list[User] = field(default_factory=list)
    active_subs: list[tuple] = field(default_factory=list)       # (subscription dict, start day, user)
    subs_today: list = field(default_factory=list)               # elements of today's array file
    spend_dates: dict[str, set[int]] = field(default_factory=dict)  # valid spend days per channel
    seen_without_signup: set[str] = field(default_factory=set)
    next_event: int = 0
    next_sub: int = 0
    _cycles: Counter = field(default_factory=Counter)

    @property
    def day0(self) -> int:
        return (self.start - EPOCH).days

    def day_start(self, day: int) -> int:
        return (self.day0 + day) * DAY_US

    def iso(self, day: int) -> str:
        return date_text(self.day0 + day)

    def new_event_id(self) -> str:
        self.next_event += 1
        return "ev-%09d" % self.next_event

    def arrival(self, day: int) -> int | None:
        """The ingest day a line sent on ``day`` lands on (None: after the last day)."""
        if day == self.missing_day:
            day += 1
        return day if day < self.days else None

    def emit(self, day: int, line: str, trap: str | None = None, event_day: int | None = None) -> bool:
        """Queue an extra events line for ``day`` and count ``trap``. ``event_day`` is given
        for every new valid payload (not for copies): it counts late_event when the line
        lands two or more days after its event date."""
        target = self.arrival(day)
        if target is None:
            return False
        self.outbox.setdefault(target, []).append(line)
        if trap:
            self.counts[trap] += 1
        if event_day is not None and target - event_day >= 2:
            self.counts["late_event"] += 1
        return True

    def quota(self, key: str, expected: float, day: int) -> int:
        """How many ``key`` traps to make today: ``expected`` on average, and at least one
        per run (from day days//3 on) as long as none has been made yet."""
        k = int(expected)
        k += self.rng.random() < expected - k
        if not k and not self.counts[key] and day >= self.days // 3:
            k = 1
        return k

    def cycle(self, key: str, options: tuple):
        """The next option of ``key`` in round-robin order, so every variant shows up."""
        self._cycles[key] += 1
        return options[(self._cycles[key] - 1) % len(options)]

    def take(self, items: list):
        """Remove and return a random element (order of the rest is not kept)."""
        i = self.rng.randrange(len(items))
        items[i], items[-1] = items[-1], items[i]
        return items.pop()


@lru_cache(maxsize=None)
def date_text(epoch_day: int) -> str:
    return (EPOCH + dt.timedelta(days=epoch_day)).isoformat()


def ts_text(ts: int, style: str = "z", offset_min: int = 0) -> str:
    """Spell instant ``ts``: z, colon (+HH:MM), compact (+HHMM), space / naive (no zone, UTC).
    ``offset_min`` only applies to colon/compact. Non-zero microseconds get 3 or 6 digits."""
    if style not in ("colon", "compact"):
        offset_min = 0
    day, rem = divmod(ts + offset_min * 60 * SECOND_US, DAY_US)
    sec, us = divmod(rem, SECOND_US)
    h, rem = divmod(sec, 3600)
    m, s = divmod(rem, 60)
    frac = "" if not us else (".%03d" % (us // 1000) if us % 1000 == 0 else ".%06d" % us)
    text = f"{date_text(day)}{' ' if style == 'space' else 'T'}{h:02d}:{m:02d}:{s:02d}{frac}"
    if style == "z":
        return text + "Z"
    if style in ("colon", "compact"):
        oh, om = divmod(abs(offset_min), 60)
        sep = ":" if style == "colon" else ""
        return f"{text}{'-' if offset_min < 0 else '+'}{oh:02d}{sep}{om:02d}"
    return text


def new_world(seed: int, start: dt.date, days: int, events_per_day: int, users: int | None) -> World:
    """Draw the user population (signup day, channel, currency) and the missing events day."""
    rng = random.Random(seed)
    n_users = users if users is not None else max(50, events_per_day * days // 15)
    currencies, c_weights = list(CURRENCY_SHARE), list(CURRENCY_SHARE.values())
    channels, ch_weights = list(SIGNUP_CHANNELS), list(SIGNUP_CHANNELS.values())
    signups: list[list[User]] = [[] for _ in range(days)]
    pool: list[User] = []
    for i in range(n_users):
        currency = rng.choices(currencies, c_weights)[0]
        if rng.random() < USERS_WITHOUT_SIGNUP:
            pool.append(User("u-%06d" % (i + 1), None, None, currency))
            continue
        day = 0 if rng.random() < 0.25 else rng.randrange(days)
        channel = rng.choices(channels, ch_weights)[0]
        signups[day].append(User("u-%06d" % (i + 1), day, channel, currency))
    missing = rng.randrange(1, days - 1) if days >= 3 else None
    return World(rng, start, days, events_per_day, signups, pool, missing, n_users)
