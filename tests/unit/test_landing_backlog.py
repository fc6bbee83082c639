"""Which landing dates a run catches up on: landed, never published, before its last date."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from spark_jobs.config import load_settings
from spark_jobs.landing_backlog import describe, unprocessed_dates, with_backlog


def d(day: int) -> date:
    return date(2026, 1, day)


def put(root: Path, relative: str) -> None:
    path = root / "subscriptions" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{}\n")


@pytest.fixture()
def landing(tmp_path):
    root = tmp_path / "landing"
    put(root, "events/ingest_date=2026-01-01/a.ndjson")
    put(root, "events/ingest_date=2026-01-02/_SUCCESS")                 # a marker only: nothing landed
    put(root, "events/ingest_date=2026-01-02/.a.ndjson.crc")
    put(root, "subscriptions/ingest_date=2026-01-03/late/b.json")       # a subfolder's file is the day's
    put(root, "events/ingest_date=2026-01-03/_tmp/c.ndjson")            # in a marker folder: not data
    put(root, "events/ingest_date=not-a-date/d.ndjson")                 # not a day folder
    put(root, "marketing_spend/ingest_date=2026-01-05/spend.csv")
    put(root, "unknown_source/ingest_date=2026-01-04/x.csv")             # not a declared source
    put(root, "events/ingest_date=2026-01-07/e.ndjson")
    (root / "subscriptions" / "events" / "ingest_date=2026-01-06").mkdir(parents=True)   # empty
    return load_settings({"SHOPLAKE_LANDING": str(root), "SHOPLAKE_HOME": str(tmp_path)})


def test_a_date_is_unprocessed_when_a_source_landed_data_and_it_was_never_published(landing):
    assert unprocessed_dates(landing, "subscriptions", published=[d(1)]) == [d(3), d(5), d(7)]
    assert unprocessed_dates(landing, "subscriptions", published=[]) == [d(1), d(3), d(5), d(7)]
    assert unprocessed_dates(landing, "subscriptions", published=[d(1)], through=d(5)) == [d(3), d(5)]


def test_a_run_takes_earlier_unprocessed_dates_never_later_ones(landing, capsys):
    assert with_backlog(landing, "subscriptions", [d(6)], published=[d(1)]) == [d(3), d(5), d(6)]
    assert "catching up 2 unprocessed landing date(s) of subscriptions before 2026-01-06: " \
           "2026-01-03, 2026-01-05" in capsys.readouterr().out
    assert with_backlog(landing, "subscriptions", [d(4), d(5)], published=[d(1), d(3)]) == [d(4), d(5)]
    assert capsys.readouterr().out == ""


def test_a_missing_landing_root_has_no_dates(tmp_path):
    settings = load_settings({"SHOPLAKE_LANDING": str(tmp_path / "nowhere"), "SHOPLAKE_HOME": str(tmp_path)})
    assert unprocessed_dates(settings, "subscriptions", published=[]) == []


def test_dates_are_described_as_ranges():
    assert describe([d(3), d(4), d(5), d(9), d(11), d(12)]) == "2026-01-03..2026-01-05, 2026-01-09, 2026-01-11..2026-01-12"


def test_dates_survive_the_command_line():
    from spark_jobs.landing_backlog import decode, encode

    days = [d(3), d(4), d(5), d(9)]
    assert encode(days) == "2026-01-03..2026-01-05,2026-01-09"
    assert decode(encode(days)) == days
    assert decode("2026-01-09, 2026-01-03..2026-01-04,") == [d(3), d(4), d(9)]
