"""Daily runs named after the ingest date they process.

Airflow names a run after the moment it may start (``run_after``): a manual run of
2026-01-15 triggered on 2026-12-07 is ``manual__2026-12-07T10:31:02…``, a scheduled run of
2026-01-15 is ``scheduled__2026-01-16T00:00:00…``. A shoplake run processes the ingest
date of its logical date (``ds``), so its name says that date first:
``scheduled__2026-01-15``, ``backfill__2026-01-15__20261207T103102``,
``manual__2026-01-15__20261207T103102`` (the suffix, the creation time, keeps a repeated
trigger or backfill of the same date unique).

Enabling a DAG (or unpausing it after a pause) starts nothing at once: its next run is
today's, at the next midnight. Airflow's ``catchup=False`` would run yesterday's
immediately, ahead of the date a person just triggered; shoplake needs no such run,
because every run first takes the landing dates never published (``plan_dates``).
"""
from __future__ import annotations

from airflow.timetables.interval import CronDataIntervalTimetable
from airflow.utils.timezone import coerce_datetime, utcnow
from airflow.utils.types import DagRunType


class IngestDateTimetable(CronDataIntervalTimetable):
    """``@daily`` (UTC), with run ids that start with the ingest date the run processes."""

    def __init__(self, cron: str = "@daily", timezone: str = "UTC") -> None:
        super().__init__(cron, timezone)

    def _skip_to_latest(self, earliest):
        """Where a DAG that does not catch up resumes: the interval running now (its run
        starts when it ends), not the last one that ended."""
        current = self._align_to_prev(coerce_datetime(utcnow()))
        return current if earliest is None else max(current, self._align_to_next(earliest))

    def generate_run_id(self, *, run_type: DagRunType, run_after, data_interval, **extra) -> str:
        if data_interval is None:   # a manual run without a logical date: Airflow's own name
            return super().generate_run_id(run_type=run_type, run_after=run_after, data_interval=data_interval,
                                           **extra)
        run_type = DagRunType(run_type)
        # A scheduled or backfill run's logical date is its interval's start; a manual
        # run's interval is inferred as the day ending at its logical date.
        day = (data_interval.end if run_type == DagRunType.MANUAL else data_interval.start).date()
        if run_type == DagRunType.SCHEDULED:
            return run_type.generate_run_id(suffix=day.isoformat())
        return run_type.generate_run_id(suffix=f"{day.isoformat()}__{run_after:%Y%m%dT%H%M%S}")
