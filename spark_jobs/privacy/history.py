"""Purge a table's history after an erasure: no file, snapshot or ref keeps the subject.

After the subject's rows are deleted (position deletes, merge-on-read), the data files
still hold them. Here every data file carrying a delete is rewritten without its deleted
rows and the manifests rewritten (they keep a replaced file's entry, bounds included).
A gold table's ``audit`` branch and ``scanned`` tag that were at ``main`` move with it
(same rows, as after a compaction); an unpublished ``audit`` is reset to ``main`` (a gold
run does that anyway) and every other tag is dropped. Then every snapshot but the
current one is expired, which deletes the old files, and files no snapshot references
are removed. Time travel on the table restarts at the
erasure: an erasure does not wait for the retention period (docs/privacy.md).
"""
from __future__ import annotations

from dataclasses import dataclass

from pyspark.sql import SparkSession

from spark_jobs.config import CATALOG_NAME
from spark_jobs.errors import ShoplakeError
from spark_jobs.maintenance import (expire_snapshots, follow_main, remove_orphan_files, unpublished_refs,
                                    utc_now)
from spark_jobs.quality.wap import AUDIT, SCANNED, against_main, reset_audit
from spark_jobs.table_figures import load_table

# Only files with a delete are rewritten: none is too small or too large on its own.
REWRITE_DELETED_ROWS = {"delete-file-threshold": "1", "min-file-size-bytes": "0",
                        "max-file-size-bytes": str(1 << 50), "min-input-files": "1"}


@dataclass(frozen=True)
class Purged:
    data_files_rewritten: int
    snapshots_expired: int
    orphan_files_removed: int


def refs(spark: SparkSession, table: str) -> dict[str, str]:
    """ref name → BRANCH or TAG."""
    iceberg = load_table(spark, table)
    return {name: ("BRANCH" if ref.isBranch() else "TAG") for name, ref in dict(iceberg.refs()).items()}


def check_refs(spark: SparkSession, tables: list[str]) -> None:
    """Refuse, before anything changes, a table with a branch an erasure cannot rewrite
    (any branch but ``main`` and ``audit``): its own snapshots would keep the subject."""
    foreign = [f"{t} branch {name}" for t in tables for name, kind in refs(spark, t).items()
               if kind == "BRANCH" and name not in ("main", AUDIT)]
    if foreign:
        raise ShoplakeError(f"cannot erase while these branches exist (drop them, or merge them into main): "
                            f"{', '.join(foreign)}")


def rewrite_deleted_rows(spark: SparkSession, table: str) -> int:
    """Rewrite every data file that has deleted rows; returns files rewritten."""
    options = ", ".join(f"'{k}', '{v}'" for k, v in REWRITE_DELETED_ROWS.items())
    row = spark.sql(f"CALL {CATALOG_NAME}.system.rewrite_data_files(table => '{table}', "
                    f"options => map({options}))").first()
    return int(row["rewritten_data_files_count"]) if row else 0


def purge_history(spark: SparkSession, table: str) -> Purged:
    """Leave ``table`` with one snapshot, whose files hold no deleted row."""
    iceberg = load_table(spark, table)
    if iceberg.currentSnapshot() is None:   # never written: only a killed first write's files
        return Purged(0, 0, remove_orphan_files(spark, table, older_than=utc_now()))
    unpublished = unpublished_refs(iceberg)
    on_main = [name for name in (AUDIT, SCANNED) if iceberg.refs().get(name) is not None and name not in unpublished]
    with against_main(spark):
        rewritten = rewrite_deleted_rows(spark, table)
        if rewritten:
            # The rewrite's manifests keep the replaced files as DELETED entries, with their
            # column bounds; rewritten manifests hold live entries only.
            spark.sql(f"CALL {CATALOG_NAME}.system.rewrite_manifests('{table}')")
    if on_main:
        follow_main(spark, table, on_main)
    if AUDIT in unpublished:
        reset_audit(spark, [table])
    for name, kind in refs(spark, table).items():
        if kind == "TAG" and name not in on_main:
            spark.sql(f"ALTER TABLE {table} DROP TAG IF EXISTS `{name}`")
    # Every snapshot but the one just made, the rewrite's own included: its manifests
    # still list the replaced files.
    now = utc_now()
    expired = expire_snapshots(spark, table, older_than=now, retain_last=1)
    orphans = remove_orphan_files(spark, table, older_than=now)
    return Purged(rewritten, expired, orphans)
