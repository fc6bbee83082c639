"""Write-audit-publish with Iceberg branches.

A gold run first resets the ``audit`` branch of each of its tables to ``main``, then writes
with ``spark.wap.branch = audit``: writes commit to the branch, reads of a table that has
the branch see it, other tables are unaffected. The scan reads ``audit`` at one snapshot
per table and, when every check passes, tags exactly that snapshot ``scanned``; publishing
is a fast-forward of ``main`` to ``scanned`` — nothing is copied, a state written to
``audit`` after the scan is never published unscanned, and a run that fails its checks
leaves ``main`` exactly as it was.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from pyspark.sql import SparkSession

from spark_jobs.config import CATALOG_NAME
from spark_jobs.errors import ShoplakeError
from spark_jobs.java_errors import root_cause

AUDIT = "audit"
SCANNED = "scanned"
WAP_BRANCH_CONF = "spark.wap.branch"


class PublishRefused(ShoplakeError):
    """main cannot move to the scanned state: none was scanned, or main moved past it."""


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


@contextmanager
def against_main(spark: SparkSession) -> Iterator[None]:
    """Reads and commits of the block see main, even on WAP tables of a session a gold job
    left on the audit branch (no session WAP branch meanwhile)."""
    previous = spark.conf.get(WAP_BRANCH_CONF, None)
    if previous is not None:
        spark.conf.unset(WAP_BRANCH_CONF)
    try:
        yield
    finally:
        if previous is not None:
            spark.conf.set(WAP_BRANCH_CONF, previous)


def _iceberg_table(spark: SparkSession, table: str):
    jvm = spark.sparkContext._jvm
    # Catalogs resolve through the JVM thread's active session: a job's side-by-side
    # threads have none, and would not find the lake catalog.
    jvm.org.apache.spark.sql.SparkSession.setActiveSession(spark._jsparkSession)
    return jvm.org.apache.iceberg.spark.Spark3Util.loadIcebergTable(spark._jsparkSession, table)


def write_snapshot_id(spark: SparkSession, table: str) -> int | None:
    """The snapshot a write to ``table`` builds on now: the head of the session's WAP branch
    when the table has that branch, else main's (None: no snapshot yet)."""
    iceberg = _iceberg_table(spark, table)
    iceberg.refresh()   # the catalog's cached copy may predate another process's commit
    branch = spark.conf.get(WAP_BRANCH_CONF, None)
    wap_enabled = iceberg.properties().get("write.wap.enabled") == "true"
    on_branch = branch and wap_enabled and iceberg.refs().containsKey(branch)
    snapshot = iceberg.snapshot(branch) if on_branch else iceberg.currentSnapshot()
    return snapshot.snapshotId() if snapshot is not None else None


def audit_snapshot_id(spark: SparkSession, table: str) -> int | None:
    """The snapshot the audit branch holds now (main's when there is no branch; None: none)."""
    iceberg = _iceberg_table(spark, table)
    iceberg.refresh()
    snapshot = iceberg.snapshot(AUDIT) if iceberg.refs().containsKey(AUDIT) else iceberg.currentSnapshot()
    return snapshot.snapshotId() if snapshot is not None else None


def read_snapshot(spark: SparkSession, table: str, snapshot_id: int | None):
    """The table as of one snapshot (an empty table has none: then its current, empty, state)."""
    reader = spark.read.option("snapshot-id", str(snapshot_id)) if snapshot_id is not None else spark.read
    return reader.table(table)


def forget_scan(spark: SparkSession, table: str) -> None:
    """Drop the ``scanned`` tag: until a scan passes again there is nothing to publish."""
    spark.sql(f"ALTER TABLE {table} DROP TAG IF EXISTS `{SCANNED}`")


def mark_scanned(spark: SparkSession, table: str, snapshot_id: int) -> None:
    """Tag the snapshot a passing scan read as the one publication may move main to."""
    spark.sql(f"ALTER TABLE {table} CREATE OR REPLACE TAG `{SCANNED}` AS OF VERSION {snapshot_id}")


def scanned_snapshot_id(spark: SparkSession, table: str) -> int | None:
    iceberg = _iceberg_table(spark, table)
    iceberg.refresh()
    ref = iceberg.refs().get(SCANNED)
    return ref.snapshotId() if ref is not None else None


def fast_forward(spark: SparkSession, table: str) -> tuple[int | None, int | None]:
    """Publish: move main to the ``scanned`` snapshot, only if main is its ancestor (Iceberg
    checks that in the commit itself). Returns (previous, new) snapshot ids of main."""
    if scanned_snapshot_id(spark, table) is None:
        if audit_snapshot_id(spark, table) is None:
            return None, None       # nothing was ever written: nothing to publish
        raise PublishRefused(f"{table} has no state passed by quality.scan (tag `{SCANNED}`): run the scan first")
    try:
        row = spark.sql(f"CALL {CATALOG_NAME}.system.fast_forward('{table}', 'main', '{SCANNED}')").first()
    except Exception as error:  # noqa: BLE001 - Iceberg's refusal arrives as a JVM exception
        cause = root_cause(error)
        if cause is None or "not an ancestor" not in cause.message:
            raise
        raise PublishRefused(f"cannot publish {table}: main moved past the scanned snapshot since the scan "
                             f"(another run published meanwhile); re-run the domain to scan the new state") from None
    return row["previous_ref"], row["updated_ref"]


def published_rows(spark: SparkSession, table: str) -> int:
    """Rows in main, from the snapshot summary (no scan)."""
    snapshot = _iceberg_table(spark, table).currentSnapshot()
    return int(snapshot.summary().get("total-records") or 0) if snapshot is not None else 0
