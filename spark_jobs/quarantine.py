"""Quarantine: the one place rejected records go, shared by every domain.

A parser returns its rows with a ``reason`` column (null = valid). :func:`split` turns
that into valid rows and rejected rows; :func:`quarantine` MERGEs the rejected rows of
a run's ingest dates of a domain's sources into ``quarantine.records`` so each source's
slice always matches the latest run: re-running a day after a parser fix clears rows
that now pass. All sources of a stage are written together: one commit, not one each.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timezone

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from spark_jobs.frames import union_all
from spark_jobs.merge import mirror, write_rows

QUARANTINE_TABLE = "quarantine.records"
QUARANTINE_KEY = ("domain", "source", "ingest_date", "source_file", "record_number")


def landing_problem(rows: DataFrame) -> Column:
    """The reason bronze already gave a record (an unreadable file, an oversize record):
    it comes before any parsing rule. Null for rows without one (or without the column)."""
    return F.col("problem") if "problem" in rows.columns else F.lit(None).cast("string")


def with_landing_problem(rows: DataFrame, reason: Column) -> Column:
    """``reason``, unless bronze already gave the record one."""
    return F.coalesce(landing_problem(rows), reason)


def split(parsed: DataFrame, reason_column: str = "reason") -> tuple[DataFrame, DataFrame]:
    """(valid rows without the reason column, rejected rows with it)."""
    valid = parsed.where(F.col(reason_column).isNull()).drop(reason_column)
    rejected = parsed.where(F.col(reason_column).isNotNull())
    return valid, rejected


def quarantine(rejected: Mapping[str, DataFrame], domain: str, days: Sequence[date]) -> None:
    """Store the rejected records of the ingest ``days`` of the given sources (``{source:
    rows}``, rows with ingest_date, source_file, record_number, raw, reason); replaces
    their earlier rows of those days."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    rows = union_all(frame.select(
        F.lit(domain).alias("domain"), F.lit(source).alias("source"), "ingest_date",
        "source_file", F.col("record_number").cast("int").alias("record_number"), "raw", "reason",
        F.lit(now).cast("timestamp").alias("quarantined_at"),
    ) for source, frame in rejected.items())
    slice_ = {"domain": domain, "source": tuple(rejected), "ingest_date": tuple(days)}
    write_rows(rows, mirror(QUARANTINE_TABLE, QUARANTINE_KEY, slice_, compare=("raw", "reason")))
