"""Quarantine: the one place rejected records go, shared by every domain.

A parser returns its rows with a ``reason`` column (null = valid). :func:`split` turns
that into valid rows and rejected rows; :func:`quarantine` MERGEs the rejected rows of
one (domain, source, ingest_date) into ``quarantine.records`` so the slice always
matches the latest run: re-running a day after a parser fix clears rows that now pass.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from spark_jobs.merge import mirror_slice

QUARANTINE_TABLE = "quarantine.records"
QUARANTINE_KEY = ("domain", "source", "ingest_date", "source_file", "record_number")


def split(parsed: DataFrame, reason_column: str = "reason") -> tuple[DataFrame, DataFrame]:
    """(valid rows without the reason column, rejected rows with it)."""
    valid = parsed.where(F.col(reason_column).isNull()).drop(reason_column)
    rejected = parsed.where(F.col(reason_column).isNotNull())
    return valid, rejected


def quarantine(rejected: DataFrame, domain: str, source: str, ingest_date: date) -> None:
    """Store one ingest date's rejected records of a source (needs source_file,
    record_number, raw, reason columns); replaces that slice's earlier rows."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    rows = rejected.select(
        F.lit(domain).alias("domain"), F.lit(source).alias("source"), F.lit(ingest_date).alias("ingest_date"),
        "source_file", F.col("record_number").cast("int").alias("record_number"), "raw", "reason",
        F.lit(now).cast("timestamp").alias("quarantined_at"),
    )
    mirror_slice(rows, QUARANTINE_TABLE, QUARANTINE_KEY,
                 {"domain": domain, "source": source, "ingest_date": ingest_date}, compare=("raw", "reason"))
