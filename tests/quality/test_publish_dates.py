"""Which ingest dates a gold run must cover: its own plus every unpublished one."""
from __future__ import annotations

from datetime import date, datetime

from spark_jobs.gold import pending_dates
from spark_jobs.run_log import RunRecord, write_run_log

DOMAIN = "quality_probe"


def _log(spark, stage: str, day: date) -> None:
    """A run-log row; its finished_at is the moment of writing, so call order is time order."""
    write_run_log(spark, [RunRecord(DOMAIN, stage, "x", day, 0, 0, 0, datetime(2026, 1, 1))])


def test_a_date_whose_silver_ran_after_its_last_publication_is_pending(spark):
    d1, d2, d3 = date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 3)
    _log(spark, "silver", d1)
    _log(spark, "publish", d1)      # after its silver run: published
    _log(spark, "silver", d2)       # never published (its run failed the gate)
    assert pending_dates(spark, DOMAIN, d3) == [d2, d3]
