"""Write-audit-publish with Iceberg branches.

A gold run first resets the ``audit`` branch of each of its tables to ``main``, then writes
with ``spark.wap.branch = audit``: writes commit to the branch, reads of a table that has
the branch see it, other tables are unaffected. The scan reads ``audit``; publishing is a
fast-forward of ``main`` to ``audit`` — nothing is copied, and a run that fails its checks
leaves ``main`` exactly as it was.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from pyspark.sql import SparkSession

from spark_jobs.config import CATALOG_NAME

AUDIT = "audit"
WAP_BRANCH_CONF = "spark.wap.branch"


def reset_audit(spark: SparkSession, tables: Iterable[str]) -> None:
    """Point each table's audit branch at main (creating it when missing).

    Before the first publication main has no snapshot, and Iceberg cannot move a branch to
    nothing: an audit branch left by a run that failed its gate is dropped and made anew,
    so the next run starts from the same empty table main shows."""
    for table in tables:
        if _iceberg_table(spark, table).currentSnapshot() is None:
            spark.sql(f"ALTER TABLE {table} DROP BRANCH IF EXISTS `{AUDIT}`")
        spark.sql(f"ALTER TABLE {table} CREATE OR REPLACE BRANCH `{AUDIT}`")


@contextmanager
def writing_to_audit(spark: SparkSession) -> Iterator[None]:
    """Writes (and reads) of WAP-enabled tables with an audit branch go to that branch."""
    previous = spark.conf.get(WAP_BRANCH_CONF, None)
    spark.conf.set(WAP_BRANCH_CONF, AUDIT)
    try:
        yield
    finally:
        if previous is None:
            spark.conf.unset(WAP_BRANCH_CONF)
        else:
            spark.conf.set(WAP_BRANCH_CONF, previous)


def _iceberg_table(spark: SparkSession, table: str):
    jvm = spark.sparkContext._jvm
    return jvm.org.apache.iceberg.spark.Spark3Util.loadIcebergTable(spark._jsparkSession, table)


def has_audit(spark: SparkSession, table: str) -> bool:
    """Whether the table has an audit branch (from its metadata: no query)."""
    return bool(_iceberg_table(spark, table).refs().containsKey(AUDIT))


def read_audit(spark: SparkSession, table: str):
    """The table as the audit branch holds it (main when there is no branch yet)."""
    reader = spark.read.option("branch", AUDIT) if has_audit(spark, table) else spark.read
    return reader.table(table)


def fast_forward(spark: SparkSession, table: str) -> tuple[int | None, int | None]:
    """Publish: move main to the audit branch's snapshot. Returns (previous, new) snapshot ids."""
    row = spark.sql(f"CALL {CATALOG_NAME}.system.fast_forward('{table}', 'main', '{AUDIT}')").first()
    return row["previous_ref"], row["updated_ref"]


def published_rows(spark: SparkSession, table: str) -> int:
    """Rows in main, from the snapshot summary (no scan)."""
    snapshot = _iceberg_table(spark, table).currentSnapshot()
    return int(snapshot.summary().get("total-records") or 0) if snapshot is not None else 0
