"""Ingest dates as a run takes them: a range is every date from its first to its last."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F


def dates_between(first: date, last: date) -> list[date]:
    """``first`` .. ``last``, both included (empty when ``last`` is before ``first``)."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def consecutive_runs(days: Sequence[date]) -> list[list[date]]:
    """``days`` (any order, repeats allowed) as sorted runs of consecutive dates: what a job
    that takes a range (first .. last) must be given, so that it never runs a date between
    two of ``days`` that was not asked for."""
    runs: list[list[date]] = []
    for day in sorted(set(days)):
        if runs and day - runs[-1][-1] == timedelta(days=1):
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def in_dates(days: Sequence[date]) -> Column:
    """A row's ``ingest_date`` is one of ``days``."""
    return F.col("ingest_date").isin(list(days))


def rows_per_date(frame: DataFrame) -> dict[date, int]:
    """Rows of ``frame`` per ingest date (a date without rows is absent)."""
    return {r[0]: r[1] for r in frame.groupBy("ingest_date").count().collect()}
