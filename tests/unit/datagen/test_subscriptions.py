"""The seeded subscriptions generator: deterministic, laid out like the landing zone, and
every trap it claims is really in the files (read back with the spec's rules)."""
from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from spark_jobs.config import load_settings
from spark_jobs.datagen import subscriptions as gen

DAYS, SEED, START = 10, 7, dt.date(2026, 1, 1)
SOURCES = ("events", "subscriptions", "marketing_spend")
FX = {"USD", "EUR", "GBP", "CAD", "AUD", "JPY", "INR", "BRL", "NGN"}
EVENT_TYPES = {"signup", "login", "page_view", "purchase", "refund", "trial_start", "trial_convert", "cancel"}


@pytest.fixture(scope="module")
def landed(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("landing")
    counts = gen.generate(load_settings(), str(out), days=DAYS, seed=SEED, start=START)
    return out / "subscriptions", counts


def files_of(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def data_files(root: Path, source: str) -> list[Path]:
    """Files a reader must read: hidden and marker files (``.`` / ``_``) are skipped."""
    return sorted(p for p in (root / source).glob("ingest_date=*/*") if not p.name.startswith(("_", ".")))


def event_lines(root: Path) -> list[str]:
    return [line for p in data_files(root, "events") for line in p.read_text().split("\n")[:-1]]


def as_object(line: str) -> dict | None:
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


# ------------------------------------------------------------ determinism
def test_same_seed_gives_identical_bytes_and_another_seed_differs(tmp_path):
    settings = load_settings()
    gen.generate(settings, str(tmp_path / "a"), days=4, seed=11, events_per_day=150)
    gen.generate(settings, (tmp_path / "b").as_uri(), days=4, seed=11, events_per_day=150)  # file:// URI
    gen.generate(settings, str(tmp_path / "c"), days=4, seed=12, events_per_day=150)
    a, b, c = (files_of(tmp_path / name) for name in "abc")
    assert a == b
    assert a != c


# ------------------------------------------------------------ counts and manifest
def test_every_trap_is_produced_and_recorded_in_the_manifest(landed):
    root, counts = landed
    assert list(counts) == list(gen.TRAP_KEYS)
    assert [key for key, n in counts.items() if n <= 0] == []
    manifest = json.loads((root / "_generator_manifest.json").read_text())
    assert (manifest["seed"], manifest["days"], manifest["traps"]) == (SEED, DAYS, counts)


def test_traps_are_rare(landed):
    root, counts = landed
    lines = len(event_lines(root))
    for key in ("invalid_json", "missing_user_id", "late_event", "conflict_version", "exact_duplicate_same_day"):
        assert counts[key] / lines < 0.02, key


# ------------------------------------------------------------ layout
def test_layout_is_domain_source_ingest_date(landed):
    root, counts = landed
    days = {f"ingest_date={START + dt.timedelta(days=i)}" for i in range(DAYS)}
    for path in root.rglob("*"):
        rel = path.relative_to(root).parts
        if path.is_file():
            assert rel == ("_generator_manifest.json",) or (len(rel) == 3 and rel[0] in SOURCES and rel[1] in days), rel
    for source in ("subscriptions", "marketing_spend"):
        assert {p.name for p in (root / source).iterdir()} == days
    event_days = {p.name for p in (root / "events").iterdir()}
    assert len(event_days) == DAYS - 1 and counts["missing_events_day"] == 1  # nothing arrived one day
    names = [p.name for p in root.glob("*/ingest_date=*/*")]
    assert names.count("_SUCCESS") == counts["success_marker_file"]
    assert sum(n.startswith((".", "_")) and n != "_SUCCESS" for n in names) == counts["ignored_hidden_file"]


def test_big_days_are_split_into_files_of_bounded_size(tmp_path, monkeypatch):
    monkeypatch.setattr(gen, "MAX_LINES_PER_FILE", 100)
    gen.generate(load_settings(), str(tmp_path), days=1, seed=1, events_per_day=450)
    files = data_files(tmp_path / "subscriptions", "events")
    assert len(files) >= 5
    assert all(len(p.read_text().split("\n")[:-1]) <= 100 for p in files)


# ------------------------------------------------------------ events
def test_event_lines_are_json_objects_except_the_injected_ones(landed):
    root, counts = landed
    lines = event_lines(root)
    blank = [line for line in lines if not line.strip()]
    broken = [line for line in lines if line.strip() and as_object(line) is None]
    assert (len(blank), len(broken)) == (counts["blank_line"], counts["invalid_json"])


TIMESTAMP_LAYOUTS = {
    "Z": r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ",
    "+HH:MM": r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?[+-]\d\d:\d\d",
    "+HHMM": r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?[+-]\d{4}",
    "fraction": r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{1,6}(Z|[+-]\d\d:?\d\d)?",
    "space, no zone": r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?",
    "T, no zone": r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?",
    "date only (invalid)": r"\d{4}-\d\d-\d\d",
}


@pytest.mark.parametrize("layout", TIMESTAMP_LAYOUTS)
def test_each_timestamp_layout_occurs(landed, layout):
    root, _ = landed
    stamps = [o.get("timestamp") for o in map(as_object, event_lines(root)) if o]
    assert any(isinstance(s, str) and re.fullmatch(TIMESTAMP_LAYOUTS[layout], s) for s in stamps)


def _clean(value):
    if isinstance(value, str):
        return value.strip() or None
    return value


def _number(value):
    """A float for JSON numbers and numeric strings, "bad" for anything else, None if missing."""
    value = _clean(value)
    if value is None:
        return None
    if isinstance(value, bool) or not (isinstance(value, (int, float)) or re.fullmatch(r"-?\d+(\.\d+)?", value)):
        return "bad"
    return float(value)


def _date_ok(text: str) -> bool:
    try:
        return bool(re.fullmatch(r"\d{4}-\d\d-\d\d", text)) and bool(dt.date.fromisoformat(text))
    except ValueError:
        return False


def _timestamp_ok(value) -> bool:
    value = _clean(value)
    match = isinstance(value, str) and re.fullmatch(
        r"(\d{4}-\d\d-\d\d)(T\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:?\d\d)?| \d\d:\d\d:\d\d(\.\d{1,6})?)", value)
    if not match:
        return False
    try:
        dt.datetime.fromisoformat(re.sub(r"(Z|[+-]\d\d:?\d\d)$", "", value).replace(" ", "T"))
    except ValueError:
        return False
    return True


def event_reason(o: dict | None) -> str | None:
    """The spec's first quarantine reason of an events line (None: valid)."""
    if o is None:
        return "invalid_json"
    etype = _clean(o.get("event_type"))
    etype = etype.lower() if isinstance(etype, str) else etype
    money = etype in ("purchase", "refund")
    currency = _clean(o.get("currency"))
    checks = (
        ("missing_event_id", lambda: not isinstance(_clean(o.get("event_id")), str)),
        ("unknown_event_type", lambda: etype not in EVENT_TYPES),
        ("invalid_timestamp", lambda: not _timestamp_ok(o.get("timestamp"))),
        ("missing_user_id", lambda: not isinstance(_clean(o.get("user_id")), str)),
        ("invalid_schema_version", lambda: _number(o.get("schema_version")) not in (1, 2)),
        ("invalid_amount", lambda: money and (_number(o.get("amount")) in (None, "bad") or _number(o["amount"]) < 0)),
        ("unknown_currency", lambda: money and isinstance(currency, str) and currency.upper() not in FX),
        ("missing_refund_reference",
         lambda: etype == "refund" and not isinstance(_clean(o.get("refers_to_event_id")), str)),
    )
    return next((reason for reason, failed in checks if failed()), None)


def test_quarantine_reasons_of_events_match_the_trap_counts(landed):
    root, counts = landed
    found = Counter(event_reason(as_object(line)) for line in event_lines(root) if line.strip())
    reasons = ("invalid_json", "missing_event_id", "unknown_event_type", "invalid_timestamp", "missing_user_id",
               "invalid_schema_version", "invalid_amount", "unknown_currency", "missing_refund_reference")
    assert {key: found[key] for key in reasons} == {key: counts[key] for key in reasons}
    assert set(found) - {None} == set(reasons)


# ------------------------------------------------------------ subscriptions and spend
def test_subscription_files_are_arrays_except_the_injected_ones(landed):
    root, counts = landed
    parsed = []
    for path in data_files(root, "subscriptions"):
        try:
            parsed.append(json.loads(path.read_text()))
        except ValueError:
            parsed.append(None)
    arrays = [p for p in parsed if isinstance(p, list)]
    assert len(parsed) - len(arrays) == counts["subs_invalid_json_file"]
    assert sum(not isinstance(e, dict) for a in arrays for e in a) == counts["subs_element_not_object"]
    statuses = {_clean(e.get("status")) for a in arrays for e in a if isinstance(e, dict)}
    assert {"active", "canceled"} <= statuses


def test_spend_csv_has_the_header_and_the_counted_bad_rows(landed):
    root, counts = landed
    found = {"spend_invalid_date": 0, "spend_invalid_spend": 0, "spend_negative": 0}
    for path in data_files(root, "marketing_spend"):
        rows = list(csv.reader(path.read_text().splitlines()))
        assert rows[0] == ["date", "channel", "spend"]
        for date, _channel, spend in rows[1:]:
            value = _number(spend)
            if not _date_ok(date):
                found["spend_invalid_date"] += 1
            elif value in (None, "bad"):
                found["spend_invalid_spend"] += 1
            elif value < 0:
                found["spend_negative"] += 1
    assert found == {key: counts[key] for key in found}
