"""Seeded synthetic landing data for the ``subscriptions`` domain, full of traps.

``generate()`` writes raw files as the source systems would deliver them::

    <out>/subscriptions/events/ingest_date=D/events-0001.ndjson ...      (NDJSON, <= 250k lines a file)
    <out>/subscriptions/subscriptions/ingest_date=D/subscriptions-YYYYMMDD.json   (a JSON array)
    <out>/subscriptions/marketing_spend/ingest_date=D/spend-YYYYMMDD.csv          (date,channel,spend)
    <out>/subscriptions/_generator_manifest.json                          (seed, days, trap counts)

for D = start .. start+days-1. A population of users signs up (channel spelled in mixed
case, sometimes missing), logs in, views pages, starts trials, converts (a new active
subscription), buys in 9 currencies, is refunded and cancels (the subscription is
restated as canceled). Marketing buys google/facebook/tiktok/affiliate every day.
Output depends only on the arguments: ``random.Random(seed)`` is the only randomness.

Trap counts returned (and stored in the manifest). Event traps are rare (0.1-1.5 % of the
day's lines each), table traps ~1 % of records or 10-30 % of days; every trap feasible for
the run length is made at least once (forced from day days//3 on). Read back with the
spec's rules, the files reconcile with the counts: each quarantine reason = its key;
exact duplicates = exact_duplicate_* + duplicate_equivalent_spelling + conflict_version_aba;
losing conflict versions = conflict_version + conflict_version_aba; orphan refunds = the
orphan_refund_* sum; late events (distinct payloads) = late_event.

events, same meaning spelled differently (valid):
  numeric_string               "2" for schema_version, "9.99" for amount
  whitespace_padded            " login", "u-000001  " (event_type, user_id, event_id, currency)
  case_variant                 "LOGIN", "Page_View", currency "eur"
  empty_string_as_missing      currency "" (= USD), tax "", refers_to_event_id "" on a login
  unknown_extra_field          app_version, device {...}, experiments [...], debug null
  currency_on_non_money_event  currency (even "XYZ") on non purchase/refund events: ignored
  ts_format_z / ts_format_offset_colon (+02:00) / ts_format_offset_compact (+0200) /
  ts_format_space_no_zone ("YYYY-MM-DD HH:MM:SS") / ts_format_t_no_zone (no zone = UTC) /
  ts_format_fraction (3 or 6 fraction digits, any layout)   clean events per layout
  schema_v1_event / schema_v2_event   clean events per version (v1: no currency/tax, USD)
events, copies and versions:
  exact_duplicate_same_day     a clean line sent twice in one day
  exact_duplicate_across_days  a clean line sent again 1-3 days later
  duplicate_equivalent_spelling same payload, other spelling (other instant spelling plus
                               "2"/2, " Purchase ", 25/25.0, " u-1 ", "usd", extra field)
  conflict_version             same event_id, different payload (time, user, amount up,
                               type or schema_version), same day or up to 2 days later
  conflict_version_aba         A on day d, B on d+1, A again on d+3: A wins (the second A
                               is also an exact duplicate)
events, other valid cases:
  late_event                   distinct payloads landing with event_date < ingest_date - 1
  future_event                 dated 1-14 days after the last ingest day
  repeat_signup                a second signup with another channel (the first one counts)
  half_cent_amount             10.005, 2.675, ...: money rounds half up per record
  signup_without_channel       acquisition_channel absent, null, "" or blank
  signup_channel_spelling      "Google", " facebook ", "TIKTOK", " TikTok"
  user_without_signup          users with events but never a signup (channel unknown)
  refund_before_purchase       refund arrives on day d, its (earlier) purchase on d+1
  refund_of_late_purchase      the purchase arrives late, its refund then or a day later
  over_refund                  refunds of one purchase sum to more than it (capped)
  orphan_refund_unknown_id / orphan_refund_non_purchase / orphan_refund_quarantined_purchase
                               refund of a missing event, of a login/page_view, of a
                               purchase quarantined for its amount
  missing_events_day           one inner day (days >= 3) has no events folder; its events
                               arrive the next day
events, quarantined (one defect per line, reason = key):
  invalid_json (truncated, array, string, null, number, single quotes, trailing garbage,
  HTML, two objects) - missing_event_id - unknown_event_type - invalid_timestamp (date
  alone, slashes, no seconds, epoch, impossible values, " UTC", missing) - missing_user_id -
  invalid_schema_version - invalid_amount (missing, "abc", "9,99", negative, true, "NaN") -
  unknown_currency - missing_refund_reference;  blank_line (empty or spaces: not a record)
subscriptions:
  subs_restated (a cancel event restates it: status canceled, end_date) -
  subs_overlapping_active (a user's second active subscription, same or later start) -
  subs_spelling_variant ("19.99", " eur ", "Active", " pro ") - quarantined:
  subs_invalid_json_file (truncated, object or NDJSON file; one record per file) -
  subs_element_not_object - subs_missing_subscription_id - subs_missing_user_id -
  subs_invalid_date - subs_invalid_status - subs_end_before_start -
  subs_canceled_without_end_date - subs_invalid_price - subs_unknown_currency
marketing_spend:
  spend_channel_spelling - spend_missing_channel (-> unknown) - spend_restatement (an earlier
  date re-sent with a new value) - spend_duplicate_in_file (same date+channel earlier in the
  file; the later row wins) - spend_gap (channel-days missing between a channel's first and
  last valid date, exact, the sporadic `unknown` channel included) - quarantined:
  spend_invalid_date, spend_invalid_spend, spend_negative (the last two placed after the
  valid row of the same key: the last VALID row wins)
files:
  success_marker_file (_SUCCESS) - ignored_hidden_file (.inflight-*.ndjson with real lines,
  _subscriptions-tmp.json, .~lock.spend.csv#): readers must skip them
"""
from __future__ import annotations

import datetime as dt
import json
import math

from spark_jobs import storage
from spark_jobs.config import Settings
from spark_jobs.datagen.subscriptions.events import STYLE_KEYS, DayBuf, day_events
from spark_jobs.datagen.subscriptions.tables import SPEND_TRAPS, SUB_TRAPS, spend_file, spend_gaps, subscription_files
from spark_jobs.datagen.subscriptions.traps import EVENT_TRAPS, inject
from spark_jobs.datagen.subscriptions.world import World, new_world

DOMAIN = "subscriptions"
MAX_LINES_PER_FILE = 250_000
TRAP_KEYS = (
    *(key for key, _, _ in EVENT_TRAPS), *STYLE_KEYS.values(), "ts_format_fraction",
    "schema_v1_event", "schema_v2_event", "signup_without_channel", "signup_channel_spelling",
    "user_without_signup", "missing_events_day",
    *(key for key, _, _ in SUB_TRAPS), "subs_invalid_json_file",
    *(key for key, _, _ in SPEND_TRAPS), "spend_gap",
    "success_marker_file", "ignored_hidden_file",
)


def generate(settings: Settings, out: str, days: int, seed: int, start: dt.date = dt.date(2026, 1, 1),
             events_per_day: int = 400, users: int | None = None) -> dict[str, int]:
    """Write ``days`` ingest days of raw subscriptions data under ``<out>/subscriptions/``.

    ``out`` is a local path, ``file://`` or ``s3://`` URI; ``users`` defaults to
    ``max(50, events_per_day * days // 15)``. Same arguments, same bytes.
    Returns the trap counts ``{trap_name: count}`` (see the module docstring).
    """
    if days < 1 or events_per_day < 1 or (users is not None and users < 1):
        raise ValueError("days, events_per_day and users must be >= 1")
    w = new_world(seed, start, days, events_per_day, users)
    root = storage.join(out, DOMAIN)
    carry: list[str] = []
    for day in range(days):
        buf = day_events(w, day)
        inject(w, day, buf)
        carry = _write_events(settings, root, w, buf, carry)
        for name, data in subscription_files(w, day):
            _put(settings, root, w, "subscriptions", day, name, data)
        _put(settings, root, w, "marketing_spend", day, f"spend-{_compact(w, day)}.csv", spend_file(w, day))
        _write_side_files(settings, root, w, buf)
    w.counts["spend_gap"] = spend_gaps(w)
    w.counts["user_without_signup"] = len(w.seen_without_signup)
    w.counts["missing_events_day"] = int(w.missing_day is not None)
    counts = {key: w.counts[key] for key in TRAP_KEYS}
    _write_manifest(settings, root, w, seed, counts)
    return counts


def _compact(w: World, day: int) -> str:
    return w.iso(day).replace("-", "")


def _put(settings: Settings, root: str, w: World, source: str, day: int, name: str, data: bytes) -> None:
    storage.write_bytes(settings, storage.join(root, source, f"ingest_date={w.iso(day)}", name), data)


def _interleave(w: World, lines: list[str], extras: list[str]) -> list[str]:
    """``lines`` with ``extras`` inserted at random places (extras keep their order)."""
    if not extras:
        return lines
    slots = sorted(w.rng.randrange(len(lines) + 1) for _ in extras)
    merged, prev = [], 0
    for slot, extra in zip(slots, extras):
        merged.extend(lines[prev:slot])
        merged.append(extra)
        prev = slot
    merged.extend(lines[prev:])
    return merged


def _write_events(settings: Settings, root: str, w: World, buf: DayBuf, carry: list[str]) -> list[str]:
    """Write the day's event files (1-2 small files, or <= 250k lines each); on the
    missing day write nothing and return the lines for the next day."""
    lines = carry + _interleave(w, buf.lines, w.outbox.pop(buf.day, []))
    if buf.day == w.missing_day:
        return lines
    n_files = max(math.ceil(len(lines) / MAX_LINES_PER_FILE), 2 if w.rng.random() < 0.3 else 1)
    size = max(1, math.ceil(len(lines) / n_files))
    for k in range(n_files):
        chunk = lines[k * size:(k + 1) * size]
        data = ("\n".join(chunk) + "\n").encode() if chunk else b""
        _put(settings, root, w, "events", buf.day, "events-%04d.ndjson" % (k + 1), data)
    return []


def _write_side_files(settings: Settings, root: str, w: World, buf: DayBuf) -> None:
    """_SUCCESS markers and files readers must ignore (dot or underscore names)."""
    def put(source: str, name: str, data: bytes, key: str) -> None:
        _put(settings, root, w, source, buf.day, name, data)
        w.counts[key] += 1

    has_events = buf.day != w.missing_day
    if has_events:
        put("events", "_SUCCESS", b"", "success_marker_file")
    put("subscriptions", "_SUCCESS", b"", "success_marker_file")
    if w.rng.random() < 0.5:
        put("marketing_spend", "_SUCCESS", b"", "success_marker_file")
    if has_events and (buf.day == 0 or w.rng.random() < 0.15):
        put("events", ".inflight-%04d.ndjson" % (buf.day + 1), ("\n".join(buf.lines[:5]) + "\n").encode(),
            "ignored_hidden_file")
    if w.rng.random() < 0.15:
        put("subscriptions", "_subscriptions-tmp.json", b'[{"subscription_id": "sub-tmp', "ignored_hidden_file")
    if w.rng.random() < 0.15:
        put("marketing_spend", ".~lock.spend.csv#", b"etl-user,worker-3,2026-01-01T00:00:00;\n", "ignored_hidden_file")


def _write_manifest(settings: Settings, root: str, w: World, seed: int, counts: dict[str, int]) -> None:
    manifest = {
        "domain": DOMAIN, "seed": seed, "days": w.days, "start": w.start.isoformat(),
        "events_per_day": w.events_per_day, "users": w.n_users,
        "missing_events_day": None if w.missing_day is None else w.iso(w.missing_day),
        "traps": counts,
    }
    storage.write_bytes(settings, storage.join(root, "_generator_manifest.json"),
                        (json.dumps(manifest, indent=2) + "\n").encode())
