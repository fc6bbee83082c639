"""Subscriptions (JSON array files) and marketing spend (CSV) of the generator, with their traps."""
from __future__ import annotations

import csv
import io
import json

from spark_jobs.datagen.subscriptions.world import CHANNEL_DISPLAY, PRICES, SECOND_US, User, World, ts_text

PLANS = ("basic", "pro", "team")
SPEND_RANGE = {"google": (900, 1600), "facebook": (600, 1200), "tiktok": (300, 800), "affiliate": (40, 160)}
_DROP = object()  # "remove this field" marker of a variant


# ---------------------------------------------------------------- subscriptions
def _subscription(w: World, user_id: str, currency: str, start_day: int, created_ts: int,
                  plan: str | None = None) -> dict:
    plan = plan or w.rng.choices(PLANS, (60, 30, 10))[0]
    w.next_sub += 1
    return {"subscription_id": "sub-%07d" % w.next_sub, "user_id": user_id, "plan_id": plan,
            "price": PRICES[currency][PLANS.index(plan)], "currency": currency, "start_date": w.iso(start_day),
            "end_date": None, "status": "active", "created_at": ts_text(created_ts)}


def start_subscription(w: World, user: User, day: int, ts: int) -> None:
    """A trial converted: the billing system exports a new active subscription today."""
    sub = _subscription(w, user.id, user.currency, day, ts)
    w.subs_today.append(sub)
    w.active_subs.append((sub, day, user))


def cancel_subscription(w: World, day: int) -> User | None:
    """Cancel a random subscription started before ``day``: it is restated with status
    canceled and end_date = day. Returns its user (None when there is nothing to cancel)."""
    if not w.active_subs:
        return None
    entry = w.take(w.active_subs)
    sub, start_day, user = entry
    if start_day >= day:
        w.active_subs.append(entry)
        return None
    w.subs_today.append(dict(sub, status="canceled", end_date=w.iso(day)))
    w.counts["subs_restated"] += 1
    user.state = 0
    return user


def _fresh(w: World, day: int, **changes) -> dict:
    """A new subscription of a random user, changed by ``changes`` (_DROP removes a field)."""
    user = w.rng.choice(w.pool)
    start = max(0, day - w.rng.randrange(3))
    sub = _subscription(w, user.id, user.currency, start, w.day_start(start) + w.rng.randrange(86_400) * SECOND_US)
    sub.update(changes)
    return {k: v for k, v in sub.items() if v is not _DROP}


def _insert(w: World, element) -> None:
    w.subs_today.insert(w.rng.randrange(len(w.subs_today) + 1), element)


def _spelling_variant(w: World, day: int) -> None:
    for _ in range(20 if w.subs_today else 0):
        sub = w.rng.choice(w.subs_today)
        if isinstance(sub, dict) and sub["status"] == "active":
            break
    else:
        return
    field = w.cycle("subs_spelling", ("price", "currency", "status", "plan_id"))
    sub[field] = {"price": str(sub["price"]), "currency": f" {sub['currency'].lower()} ",
                  "status": w.cycle("subs_status", ("Active", " ACTIVE ")), "plan_id": f" {sub['plan_id']} "}[field]
    w.counts["subs_spelling_variant"] += 1


def _defect(key: str, variants) -> callable:
    """A trap adding one fresh subscription whose only defect is the next of ``variants``."""
    def make(w: World, day: int) -> None:
        if w.pool:
            _insert(w, _fresh(w, day, **w.cycle(key, variants)))
            w.counts[key] += 1
    return make


def _date_variants(w: World, day: int) -> tuple:
    y, m, d = w.iso(day).split("-")
    return ({"start_date": f"{y}/{m}/{d}"}, {"start_date": f"{d}-{m}-{y}"}, {"start_date": f"{y}-{m}-{d}T00:00:00Z"},
            {"start_date": None}, {"start_date": f"{y}-02-30"}, {"created_at": _DROP}, {"created_at": f"{y}-{m}-{d}"},
            {"created_at": "not a timestamp"}, {"end_date": "soon", "status": "canceled"},
            {"end_date": f"{y}-{int(m)}-{int(d)}", "status": "canceled"})


def _subs_invalid_date(w: World, day: int) -> None:
    if w.pool:
        _insert(w, _fresh(w, day, **w.cycle("subs_invalid_date", _date_variants(w, day))))
        w.counts["subs_invalid_date"] += 1


def _end_before_start(w: World, day: int) -> None:
    if w.pool:
        _insert(w, _fresh(w, day, start_date=w.iso(day), end_date=w.iso(day - 3), status="canceled"))
        w.counts["subs_end_before_start"] += 1


def _not_object(w: World, day: int) -> None:
    _insert(w, w.cycle("subs_not_object", (42, "sub-0000123", None, [1, 2], True)))
    w.counts["subs_element_not_object"] += 1


def _overlapping(w: World, day: int) -> None:
    """A user with an active subscription gets a second one (same or later start)."""
    if not w.active_subs:
        return
    sub, start_day, user = w.rng.choice(w.active_subs)
    plan = w.rng.choice([p for p in PLANS if p != sub["plan_id"].strip()])
    start = start_day if w.cycle("subs_overlap", (True, False)) else day
    created = w.day_start(day) + w.rng.randrange(86_400) * SECOND_US
    _insert(w, _subscription(w, user.id, user.currency, start, created, plan))
    w.counts["subs_overlapping_active"] += 1


def _restate(w: World, day: int) -> None:
    cancel_subscription(w, day)


SUB_TRAPS = (  # (count key, rate per clean subscription record of the day, maker); spelling first
    ("subs_spelling_variant", 0.05, _spelling_variant),
    ("subs_restated", 0.0, _restate),  # happens with cancel events; forced once if none
    ("subs_element_not_object", 0.01, _not_object),
    ("subs_missing_subscription_id", 0.01, _defect("subs_missing_subscription_id", (
        {"subscription_id": _DROP}, {"subscription_id": None}, {"subscription_id": ""}, {"subscription_id": "  "}))),
    ("subs_missing_user_id", 0.01, _defect("subs_missing_user_id", (
        {"user_id": None}, {"user_id": _DROP}, {"user_id": ""}, {"user_id": " "}))),
    ("subs_invalid_date", 0.01, _subs_invalid_date),
    ("subs_invalid_status", 0.01, _defect("subs_invalid_status", (
        {"status": "paused"}, {"status": "cancelled", "end_date": "2099-01-01"}, {"status": ""},
        {"status": None}, {"status": "trialing"}))),
    ("subs_end_before_start", 0.01, _end_before_start),
    ("subs_canceled_without_end_date", 0.01, _defect("subs_canceled_without_end_date", (
        {"status": "canceled"}, {"status": "Canceled", "end_date": ""}, {"status": "canceled", "end_date": _DROP}))),
    ("subs_invalid_price", 0.01, _defect("subs_invalid_price", (
        {"price": _DROP}, {"price": None}, {"price": "free"}, {"price": -9.99}, {"price": "9,99"},
        {"price": ""}, {"price": "-5"}, {"price": True}))),
    ("subs_unknown_currency", 0.01, _defect("subs_unknown_currency", (
        {"currency": "XYZ"}, {"currency": "EURO"}, {"currency": "btc"}, {"currency": "US$"}))),
    ("subs_overlapping_active", 0.01, _overlapping),
)


def _broken_file(w: World, day: int) -> bytes:
    """A subscriptions file that is not a JSON array: truncated, an object, or NDJSON."""
    subs = [_fresh(w, day) for _ in range(3)]
    kind = w.cycle("subs_broken", ("truncated", "object", "ndjson"))
    if kind == "truncated":
        text = json.dumps(subs)
        return text[: len(text) // 2].encode()
    if kind == "object":
        return (json.dumps({"exported_at": w.iso(day), "subscriptions": subs}) + "\n").encode()
    return "".join(json.dumps(s) + "\n" for s in subs).encode()


def subscription_files(w: World, day: int) -> list[tuple[str, bytes]]:
    """Today's subscriptions file(s) as (file name, bytes), after injecting traps."""
    n = len(w.subs_today)
    for key, rate, make in SUB_TRAPS:
        for _ in range(w.quota(key, rate * n, day)):
            make(w, day)
    body = ",\n".join(json.dumps(e) for e in w.subs_today)
    w.subs_today = []
    stem = "subscriptions-" + w.iso(day).replace("-", "")
    files = [(stem + ".json", (f"[\n{body}\n]\n" if body else "[]\n").encode())]
    for i in range(w.quota("subs_invalid_json_file", 0.1, day) if w.pool else 0):
        files.append((f"{stem}-retry{i + 1}.json", _broken_file(w, day)))
        w.counts["subs_invalid_json_file"] += 1
    return files


# ---------------------------------------------------------------- marketing spend
def _money(w: World, channel: str) -> str:
    lo, hi = SPEND_RANGE.get(channel, (20, 80))
    return "%.2f" % w.rng.uniform(lo, hi)


def _valid(w: World, day: int, channel: str) -> None:
    w.spend_dates.setdefault(channel, set()).add(day)


def _regular_rows(w: World, day: int) -> list[list[str]]:
    """One row per paid channel; on inner days a few channel-days are missing (gaps)."""
    channels = list(SPEND_RANGE)
    if 0 < day < w.days - 1:
        for ch in w.rng.sample(channels, min(len(channels), w.quota("spend_gap", 0.03 * len(channels), day))):
            channels.remove(ch)
            w.counts["spend_gap"] += 1
    for ch in channels:
        _valid(w, day, ch)
    return [[w.iso(day), ch, _money(w, ch)] for ch in channels]


def _spellings(ch: str) -> tuple:
    return (CHANNEL_DISPLAY[ch], ch.upper(), f" {ch} ", f" {CHANNEL_DISPLAY[ch]} ")


def _spend_spelling(w: World, day: int, rows: list) -> None:
    plain = [r for r in rows if r[1] in SPEND_RANGE]
    if plain:
        row = w.rng.choice(plain)
        row[1] = w.cycle("spend_spelling", _spellings(row[1]))
        w.counts["spend_channel_spelling"] += 1


def _today_row(w: World, day: int, rows: list) -> tuple[int, str] | None:
    """Index and normalised channel of a random valid row of today's date."""
    idx = [i for i, r in enumerate(rows) if r[0] == w.iso(day) and r[1].strip().lower() in SPEND_RANGE]
    if not idx:
        return None
    i = w.rng.choice(idx)
    return i, rows[i][1].strip().lower()


def _duplicate_in_file(w: World, day: int, rows: list) -> None:
    """An earlier row of the same (date, channel) with another value: the later row wins."""
    found = _today_row(w, day, rows)
    if found:
        i, ch = found
        rows.insert(i, [w.iso(day), w.rng.choice((ch,) + _spellings(ch)), _money(w, ch)])
        w.counts["spend_duplicate_in_file"] += 1


def _after_valid(key: str, values: tuple) -> callable:
    """An invalid row for a (date, channel) placed after its valid row: the valid one stays."""
    def make(w: World, day: int, rows: list) -> None:
        found = _today_row(w, day, rows)
        if found:
            i, ch = found
            value = w.cycle(key, values)
            rows.insert(i + 1, [w.iso(day), ch, "-" + _money(w, ch) if value is None else value])
            w.counts[key] += 1
    return make


def _missing_channel(w: World, day: int, rows: list) -> None:
    if not any(r[1].strip() == "" for r in rows):
        rows.append([w.iso(day), w.cycle("spend_no_channel", ("", "  ")), _money(w, "")])
        _valid(w, day, "unknown")
        w.counts["spend_missing_channel"] += 1


def _restatement(w: World, day: int, rows: list) -> None:
    earlier = [(d, ch) for ch, ds in w.spend_dates.items() for d in sorted(ds) if d < day]
    if earlier:
        d, ch = w.rng.choice(earlier)
        rows.append([w.iso(d), "" if ch == "unknown" else ch, _money(w, ch)])
        w.counts["spend_restatement"] += 1


def _spend_invalid_date(w: World, day: int, rows: list) -> None:
    y, m, d = w.iso(day).split("-")
    bad = w.cycle("spend_bad_date", (f"{y}/{m}/{d}", f"{d}-{m}-{y}", "", f"{y}-02-30", f"{y}-{m}-{d}T00:00:00Z"))
    ch = w.rng.choice(list(SPEND_RANGE))
    rows.append([bad, ch, _money(w, ch)])
    w.counts["spend_invalid_date"] += 1


SPEND_TRAPS = (  # (count key, probability per day, maker); spelling first
    ("spend_channel_spelling", 0.3, _spend_spelling),
    ("spend_duplicate_in_file", 0.15, _duplicate_in_file),
    ("spend_missing_channel", 0.15, _missing_channel),
    ("spend_restatement", 0.15, _restatement),
    ("spend_invalid_date", 0.1, _spend_invalid_date),
    ("spend_invalid_spend", 0.1, _after_valid("spend_invalid_spend", ("", "n/a", "1,234.50", "abc"))),
    ("spend_negative", 0.1, _after_valid("spend_negative", (None,))),
)


def spend_file(w: World, day: int) -> bytes:
    """Today's marketing_spend CSV (header date,channel,spend): rows of today plus traps."""
    rows = _regular_rows(w, day)
    for key, rate, make in SPEND_TRAPS:
        for _ in range(w.quota(key, rate, day)):
            make(w, day, rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["date", "channel", "spend"])
    writer.writerows(rows)
    return out.getvalue().encode()


def spend_gaps(w: World) -> int:
    """Channel-days without a valid row between each channel's first and last spend date."""
    return sum(max(ds) - min(ds) + 1 - len(ds) for ds in w.spend_dates.values())
