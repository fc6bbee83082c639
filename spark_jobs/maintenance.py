"""Table maintenance: compaction, snapshot expiry and orphan removal, for every table.

``maintain`` runs, table by table (every table of every namespace, or the given ones):

1. **Compaction** (:func:`compact`), only where it pays: a partition with at least
   ``MIN_INPUT_FILES`` small data files, or any delete file. ``rewrite_data_files`` packs
   small files and rewrites every data file a delete applies to (merge-on-read MERGEs
   leave position deletes each read must apply), then ``rewrite_position_delete_files``
   compacts the delete files left. A compaction commits a ``replace`` snapshot: same rows.
2. **Snapshot expiry** (:func:`expire_snapshots`): snapshots older than the retention
   (``SHOPLAKE_SNAPSHOT_RETENTION_DAYS``, default 7) are expired on every branch, and the
   files only they referenced deleted. The snapshot that was current at the start of the
   retention window is kept too, so time travel to any moment of the window works.
3. **Orphan removal** (:func:`remove_orphan_files`): files under a table's location that
   no snapshot or metadata file references (a killed write's data files, metadata files
   of before ``write.metadata.delete-after-commit.enabled``), older than a day.

How Iceberg (1.11, ``RemoveSnapshots``) treats references when expiring: ``main`` is
never removed; a branch keeps the ancestors of its head that are younger than
``older_than`` and at least ``retain_last`` of them; a tag keeps exactly its snapshot, for
ever unless it has a ``max-ref-age-ms`` (ours have none: gold's ``scanned`` tag always
keeps the last scanned state); a snapshot no branch or tag reaches is expired once it is
older than ``older_than``. The procedure applies ``older_than``/``retain_last`` to every
branch that has no retention of its own (ours have none), the ``audit`` branch included.

Gold tables are write-audit-publish tables (:mod:`spark_jobs.quality.wap`). Compaction
commits to ``main``. It runs only when ``audit`` and ``scanned`` point at main's snapshot
(the domain's last run published) and then moves both to the compacted snapshot, which
holds the same rows: a later ``quality.publish`` still finds main an ancestor of
``scanned``. A table whose audit state is not published (a failed scan) is not compacted:
its next run resets ``audit`` from main and publishes, and the next maintenance compacts.

Maintenance never races a domain run: it holds every domain's lock for the whole run
(shared tables such as ``ops.run_log`` and ``quarantine.records`` are written by every
domain), so no writer's uncommitted file is taken for an orphan and no compaction
conflicts with a MERGE.
"""
from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from spark_jobs.config import CATALOG_NAME, NAMESPACES, Settings
from spark_jobs.domain_lock import domains_lock
from spark_jobs.errors import ShoplakeError
from spark_jobs.quality.wap import AUDIT, SCANNED, against_main
from spark_jobs.table_figures import TableFigures, java_count, load_table, table_figures

TAKES_ITS_OWN_LOCKS = True
# A branch keeps at least its head: what readers see never expires, however old it is.
RETAIN_LAST = 1
# Files younger than this are never orphans: a writer outside the locks (`shoplake sql
# --write`, a hand-run procedure) may not have committed them yet.
ORPHAN_MIN_AGE = timedelta(days=1)
# Iceberg's defaults: a group of files is worth rewriting from 5 files on; a file is
# small below 75 % of the target size.
MIN_INPUT_FILES = 5
SMALL_FILE_FRACTION = 0.75
DEFAULT_TARGET_FILE_BYTES = 512 * 1024 * 1024
# Rewrite every data file a delete applies to: reads then apply at most the deletes
# written since the last maintenance.
DELETE_FILE_THRESHOLD = 1
REWRITE_OPTIONS = {
    "min-input-files": str(MIN_INPUT_FILES),
    "delete-file-threshold": str(DELETE_FILE_THRESHOLD),
    "remove-dangling-deletes": "true",
}


@dataclass(frozen=True)
class CompactionResult:
    """What compaction did to one table: files rewritten and written, or why it did nothing."""

    rewritten_data_files: int = 0
    added_data_files: int = 0
    rewritten_delete_files: int = 0
    added_delete_files: int = 0
    skipped: str | None = None      # why nothing was rewritten (None: it ran)


@dataclass(frozen=True)
class TableReport:
    """One table's maintenance: its figures before and after, and what each step did."""

    table: str
    before: TableFigures
    after: TableFigures
    compaction: CompactionResult
    snapshots_expired: int
    orphans_removed: int
    seconds: float = 0.0

    def line(self) -> str:
        """``table  snapshots 12→3  data files 40→4  delete files 6→0  size 1.2 MiB→0.9 MiB  orphans 0  …``"""
        b, a = self.before, self.after
        done = self.compaction.skipped or (f"compacted {self.compaction.rewritten_data_files} data files "
                                           f"into {self.compaction.added_data_files}")
        return (f"{self.table:<40} snapshots {b.snapshots}→{a.snapshots}  data files {b.data_files}→{a.data_files}"
                f"  delete files {b.delete_files}→{a.delete_files}  size {size_text(b.bytes)}→{size_text(a.bytes)}"
                f"  orphans {self.orphans_removed}  {self.seconds:.1f} s  {done}")


def size_text(size: int) -> str:
    """Bytes in the largest binary unit that keeps the number at 1 or above: ``12.3 KiB``."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TiB"


def total_line(reports: Sequence[TableReport], seconds: float) -> str:
    """The sum over every table, and how long the run took."""
    before = sum((r.before for r in reports), TableFigures(0, 0, 0, 0))
    after = sum((r.after for r in reports), TableFigures(0, 0, 0, 0))
    compacted = sum(1 for r in reports if r.compaction.skipped is None)
    return (f"{'total: ' + str(len(reports)) + ' tables':<40} snapshots {before.snapshots}→{after.snapshots}"
            f"  data files {before.data_files}→{after.data_files}  delete files {before.delete_files}→"
            f"{after.delete_files}  size {size_text(before.bytes)}→{size_text(after.bytes)}"
            f"  orphans {sum(r.orphans_removed for r in reports)}  {compacted} compacted  {seconds:.1f} s")


# ------------------------------------------------------------------ snapshots
def timestamp_literal(moment: datetime) -> str:
    """A Spark TIMESTAMP literal of ``moment`` in UTC (the session's time zone)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return f"TIMESTAMP'{moment.isoformat(sep=' ', timespec='microseconds')}'"


def expire_snapshots(spark: SparkSession, table: str, older_than: datetime, retain_last: int) -> int:
    """Expire the snapshots of ``table`` older than ``older_than`` on every branch (``audit``
    too), each branch keeping at least its ``retain_last`` newest, and delete the files only
    they referenced; returns how many snapshots were expired. Tags keep their snapshot
    (see the module docstring). Naive datetimes are UTC."""
    before = java_count(spark, load_table(spark, table).snapshots())
    spark.sql(f"CALL {CATALOG_NAME}.system.expire_snapshots(table => '{table}', "
              f"older_than => {timestamp_literal(older_than)}, retain_last => {int(retain_last)}, "
              f"clean_expired_metadata => true)")
    return before - java_count(spark, load_table(spark, table).snapshots())


def retention_cutoff(spark: SparkSession, table: str, window_start: datetime) -> datetime:
    """The expiry bound that keeps ``table`` readable as of any moment since ``window_start``:
    the commit time of main's snapshot current at ``window_start`` (the newest committed at
    or before it), or ``window_start`` when main has none that old."""
    start_ms = int(as_utc(window_start).timestamp() * 1000)
    history = load_table(spark, table).history()        # main's snapshot log, oldest first
    committed = [entry.timestampMillis() for entry in history if entry.timestampMillis() <= start_ms]
    if not committed:
        return as_utc(window_start)
    return datetime.fromtimestamp(max(committed) / 1000, timezone.utc)


def as_utc(moment: datetime) -> datetime:
    """``moment`` as an aware UTC datetime (naive ones are UTC already)."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


# ------------------------------------------------------------------ orphans
def remove_orphan_files(spark: SparkSession, table: str, older_than: datetime) -> int:
    """Delete the files under ``table``'s location that no metadata references and that were
    last modified before ``older_than``; returns how many. Safe only while no writer of the
    table runs (the caller holds the locks): an uncommitted file is an orphan too.

    The Actions API, because the ``remove_orphan_files`` procedure refuses ages under 24 h
    (an erasure removes the files of expired snapshots at once). Files are listed through
    the table's own FileIO (S3FileIO on S3), with the catalog's credentials; Iceberg lists
    ``<location>/``, so ``silver.subscriptions`` never sees ``silver.subscriptions_versions``."""
    jvm = spark.sparkContext._jvm
    iceberg = load_table(spark, table)
    older_than_ms = int(as_utc(older_than).timestamp() * 1000)
    result = (jvm.org.apache.iceberg.spark.actions.SparkActions.get(spark._jsparkSession)
              .deleteOrphanFiles(iceberg).olderThan(older_than_ms).usePrefixListing(True).execute())
    return java_count(spark, result.orphanFileLocations())


# ------------------------------------------------------------------ compaction
def unpublished_refs(iceberg) -> list[str]:
    """The write-audit-publish refs (``audit``, ``scanned``) that point elsewhere than main:
    a state a domain run wrote or scanned and has not published yet."""
    current = iceberg.currentSnapshot()
    main_id = current.snapshotId() if current is not None else None
    refs = iceberg.refs()
    return [name for name in (AUDIT, SCANNED)
            if refs.get(name) is not None and refs.get(name).snapshotId() != main_id]


def small_files_per_partition(spark: SparkSession, table: str, iceberg) -> list[int]:
    """For each partition of main's state, how many of its data files are small (below 75 %
    of the table's target file size)."""
    target = int(iceberg.properties().get("write.target-file-size-bytes") or DEFAULT_TARGET_FILE_BYTES)
    files = spark.table(f"{table}.data_files").where(F.col("file_size_in_bytes") < target * SMALL_FILE_FRACTION)
    keys = ["spec_id"] + (["partition"] if "partition" in files.columns else [])
    return [row["count"] for row in files.groupBy(*keys).count().collect()]


def compaction_reason(small_files: Iterable[int], delete_files: int) -> str | None:
    """Why a table is worth compacting (None: it is not): delete files that every read
    must apply, or a partition with at least ``MIN_INPUT_FILES`` small files."""
    crowded = sum(1 for n in small_files if n >= MIN_INPUT_FILES)
    reasons = ([f"{delete_files} delete files"] if delete_files else []) + \
              ([f"{crowded} partitions of ≥{MIN_INPUT_FILES} small files"] if crowded else [])
    return ", ".join(reasons) or None


def options_map(options: dict[str, str]) -> str:
    return "map(" + ", ".join(f"'{key}', '{value}'" for key, value in options.items()) + ")"


def rewrite(spark: SparkSession, table: str) -> CompactionResult:
    """``rewrite_data_files`` then, for the delete files it left, ``rewrite_position_delete_files``."""
    data = spark.sql(f"CALL {CATALOG_NAME}.system.rewrite_data_files(table => '{table}', "
                     f"options => {options_map(REWRITE_OPTIONS)})").first()
    deletes = None
    if table_figures(spark, table).delete_files:
        deletes = spark.sql(f"CALL {CATALOG_NAME}.system.rewrite_position_delete_files(table => '{table}', "
                            f"options => map('rewrite-all', 'true'))").first()
    return CompactionResult(
        rewritten_data_files=data["rewritten_data_files_count"], added_data_files=data["added_data_files_count"],
        rewritten_delete_files=deletes["rewritten_delete_files_count"] if deletes else 0,
        added_delete_files=deletes["added_delete_files_count"] if deletes else 0)


def follow_main(spark: SparkSession, table: str, refs: Sequence[str]) -> None:
    """Point the given write-audit-publish refs at main's snapshot (after a compaction,
    which changed files, not rows)."""
    main_id = load_table(spark, table).currentSnapshot().snapshotId()
    if AUDIT in refs:
        spark.sql(f"ALTER TABLE {table} REPLACE BRANCH `{AUDIT}` AS OF VERSION {main_id}")
    if SCANNED in refs:
        spark.sql(f"ALTER TABLE {table} REPLACE TAG `{SCANNED}` AS OF VERSION {main_id}")


def compact(spark: SparkSession, table: str) -> CompactionResult:
    """Compact main's files where it pays (see :func:`compaction_reason`); a gold table's
    ``audit`` branch and ``scanned`` tag move along when they were at main, and a gold
    table with an unpublished audit state is left alone."""
    iceberg = load_table(spark, table)
    if iceberg.currentSnapshot() is None:
        return CompactionResult(skipped="empty")
    unpublished = unpublished_refs(iceberg)
    if unpublished:
        return CompactionResult(skipped=f"not compacted: {'/'.join(unpublished)} not published")
    figures = table_figures(spark, table)
    if compaction_reason(small_files_per_partition(spark, table, iceberg), figures.delete_files) is None:
        return CompactionResult(skipped="nothing to compact")
    on_main = [name for name in (AUDIT, SCANNED) if iceberg.refs().get(name) is not None]
    with against_main(spark):
        result = rewrite(spark, table)
    follow_main(spark, table, on_main)
    return result


# ------------------------------------------------------------------ the run
def all_tables(spark: SparkSession) -> list[str]:
    """``namespace.table`` of every table of the lake's namespaces, sorted."""
    return sorted(f"{namespace}.{row['tableName']}" for namespace in NAMESPACES
                  for row in spark.sql(f"SHOW TABLES IN {namespace}").collect() if not row["isTemporary"])


def maintain_table(spark: SparkSession, table: str, retention: timedelta,
                   orphan_age: timedelta = ORPHAN_MIN_AGE, retain_last: int = RETAIN_LAST) -> TableReport:
    """Compact, expire and remove orphans of one table; its figures before and after.
    The retention window ends when expiry starts: a compaction just committed is the
    current state, not history."""
    started = time.monotonic()
    before = table_figures(spark, table)
    compaction = compact(spark, table)
    expired = 0
    if java_count(spark, load_table(spark, table).snapshots()) > 1:     # one snapshot: main's head, kept
        expired = expire_snapshots(spark, table, retention_cutoff(spark, table, utc_now() - retention), retain_last)
    orphans = remove_orphan_files(spark, table, utc_now() - orphan_age)
    return TableReport(table, before, table_figures(spark, table), compaction, expired, orphans,
                       time.monotonic() - started)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def maintain_tables(spark: SparkSession, retention: timedelta, tables: Sequence[str] | None = None,
                    orphan_age: timedelta = ORPHAN_MIN_AGE, report=None) -> list[TableReport]:
    """:func:`maintain` without taking the locks (the caller holds every domain's lock).
    ``report`` is called with each table's report as soon as it is done."""
    if retention < timedelta(0):
        raise ShoplakeError(f"snapshot retention must not be negative (got {retention})")
    known = all_tables(spark)
    unknown = sorted(set(tables or ()) - set(known))
    if unknown:
        raise ShoplakeError(f"no such table: {', '.join(unknown)} (tables are namespace.table, e.g. silver.events)")
    reports = []
    for table in tables or known:
        reports.append(maintain_table(spark, table, retention, orphan_age))
        if report is not None:
            report(reports[-1])
    return reports


def maintenance_lock(settings: Settings, purpose: str, wait_seconds: float = 0):
    """Every domain's lock: no domain run writes while maintenance rewrites and deletes."""
    from spark_jobs.registry import domains

    return domains_lock(settings, domains(), purpose, wait_seconds)


def maintain(spark: SparkSession, settings: Settings, retention: timedelta, tables: list[str] | None = None,
             wait_seconds: float = 0, report=None) -> list[TableReport]:
    """Maintain every table of every namespace (or ``tables``), holding every domain's lock:
    compact where it pays, expire snapshots older than ``retention`` (keeping the state as of
    ``now - retention``), remove orphan files older than a day. One report per table."""
    with maintenance_lock(settings, f"shoplake maintain, retention {retention}", wait_seconds):
        return maintain_tables(spark, retention, tables, report=report)


def print_report(report: TableReport) -> None:
    print(report.line(), flush=True)


def run(spark: SparkSession, settings: Settings, ingest_date: date, *args: str) -> None:
    """``submit.py maintenance --date D``: maintain every table with the configured retention,
    waiting for running domain runs up to ``SHOPLAKE_LOCK_WAIT_SECONDS``; ``D`` is not used
    (maintenance works on the tables as they are)."""
    import os

    from spark_jobs.submit import DEFAULT_LOCK_WAIT_SECONDS

    wait = float(os.environ.get("SHOPLAKE_LOCK_WAIT_SECONDS", DEFAULT_LOCK_WAIT_SECONDS))
    started = time.monotonic()
    reports = maintain(spark, settings, timedelta(days=settings.snapshot_retention_days), list(args) or None,
                       wait_seconds=wait, report=print_report)
    print(total_line(reports, time.monotonic() - started), flush=True)
