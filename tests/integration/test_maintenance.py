"""Table maintenance on a real Spark session and Iceberg catalog (local-directory lake).

History is written the way jobs write it (appends to one bronze partition, merge-on-read
deletes, write-audit-publish cycles of a gold table), then ``maintain`` runs twice with
a retention of 0 days: rows stay identical, snapshots are bounded by the refs, small
files and delete files are compacted, a planted orphan is removed, and the second run
finds nothing to do. Gold's publication keeps working after a compaction of main.
``-m slow`` does the same over every table after a short subscriptions world.
"""
from __future__ import annotations

import os
import time
from datetime import date, timedelta, timezone
from pathlib import Path
from urllib.parse import urlparse

import pytest
from lake_support import reset_lake, table_rows

from spark_jobs.domain_lock import DomainLocked, domain_lock
from spark_jobs.maintenance import (RETAIN_LAST, TableReport, expire_snapshots, maintain, maintain_table,
                                    retention_cutoff)
from spark_jobs.quality.wap import (AUDIT, audit_snapshot_id, fast_forward, mark_scanned, reset_audit,
                                    scanned_snapshot_id, writing_to_audit)
from spark_jobs.table_figures import load_table, table_figures

pytestmark = pytest.mark.integration

BRONZE = "bronze.subscriptions_events"
GOLD = "gold.daily_active_users"
OLD_BRONZE = "bronze.subscriptions_subscriptions"
NO_RETENTION = timedelta(0)


@pytest.fixture(scope="module")
def lake(spark):
    reset_lake(spark)
    return spark


def append_bronze(spark, table: str, day: date, first: int, rows: int = 3) -> None:
    """One small append to ``table``'s partition ``day`` (one new data file)."""
    values = ", ".join(f"(DATE'{day}', 'f{first}.ndjson', {n}, '{{\"n\": {n}}}', NULL, 'h{n}', "
                       f"TIMESTAMP'2026-01-01 00:00:00', NULL)" for n in range(first, first + rows))
    spark.sql(f"INSERT INTO {table} VALUES {values}")


def publish_gold(spark, table: str, day: date, dau: int) -> None:
    """One write-audit-publish cycle of a gold table, as a domain run does it: reset audit to
    main, write to audit, tag the scanned snapshot, fast-forward main to it."""
    reset_audit(spark, [table])
    with writing_to_audit(spark):
        spark.sql(f"INSERT INTO {table} VALUES (DATE'{day}', {dau})")
    mark_scanned(spark, table, audit_snapshot_id(spark, table))
    fast_forward(spark, table)


def refs(spark, table: str) -> dict[str, int]:
    """Branch and tag names → snapshot id."""
    return {row["name"]: row["snapshot_id"] for row in spark.sql(f"SELECT * FROM {table}.refs").collect()}


def snapshot_bound(spark, table: str) -> int:
    """With no retention: each branch keeps ``RETAIN_LAST`` snapshots, each tag one."""
    kinds = [row["type"] for row in spark.sql(f"SELECT type FROM {table}.refs").collect()]
    return RETAIN_LAST * kinds.count("BRANCH") + kinds.count("TAG")


def plant_orphan(spark, table: str, name: str, age: timedelta) -> Path:
    """A file in the table's data folder that no snapshot references, last modified ``age`` ago."""
    folder = Path(urlparse(load_table(spark, table).location()).path) / "data"
    orphan = folder / name
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"not referenced")
    then = time.time() - age.total_seconds()
    os.utime(orphan, (then, then))
    return orphan


def by_table(reports: list[TableReport]) -> dict[str, TableReport]:
    return {r.table: r for r in reports}


def test_maintenance_twice_keeps_rows_bounds_snapshots_and_removes_orphans(lake, settings, capsys):
    spark = lake
    for first in range(1, 19, 3):       # six appends to one partition: six small files
        append_bronze(spark, BRONZE, date(2026, 1, 1), first)
    spark.sql(f"DELETE FROM {BRONZE} WHERE record_number % 3 = 0")     # merge-on-read: delete files
    for n in range(6):
        publish_gold(spark, GOLD, date(2026, 1, 1) + timedelta(days=n), 10 + n)
    tables = [BRONZE, GOLD]
    rows = {t: table_rows(spark.table(t)) for t in tables}
    before = {t: table_figures(spark, t) for t in tables}
    assert before[BRONZE].data_files == 6 and before[BRONZE].delete_files > 0, before
    assert before[GOLD].data_files == 6, before
    young = plant_orphan(spark, BRONZE, "being-written.parquet", timedelta(hours=1))
    old_in_bronze = plant_orphan(spark, BRONZE, "left-by-a-killed-write.parquet", timedelta(days=3))
    old = plant_orphan(spark, GOLD, "left-by-a-killed-write.parquet", timedelta(days=2))

    first = by_table(maintain(spark, settings, NO_RETENTION, tables))
    print("\n".join(r.line() for r in first.values()))

    for table in tables:
        assert table_rows(spark.table(table)) == rows[table], f"{table}: rows changed"
        after = table_figures(spark, table)
        assert after.snapshots <= snapshot_bound(spark, table), (table, after, refs(spark, table))
        assert after.snapshots < before[table].snapshots, (table, before[table], after)
        assert first[table].compaction.skipped is None, first[table]
        assert after.delete_files == 0, (table, after)
    assert table_figures(spark, BRONZE).data_files == 1 and table_figures(spark, GOLD).data_files == 1
    assert not old.exists() and not old_in_bronze.exists(), "orphans older than a day stay"
    assert young.exists(), "an hour-old file may be a write in progress: it must stay"
    assert first[BRONZE].orphans_removed == 1 and first[GOLD].orphans_removed == 1
    # audit and scanned moved with main: the compacted state is the published one.
    assert set(refs(spark, GOLD).values()) == {load_table(spark, GOLD).currentSnapshot().snapshotId()}

    second = by_table(maintain(spark, settings, NO_RETENTION, tables))
    for table in tables:
        report = second[table]
        assert report.before == report.after == first[table].after, report
        assert report.snapshots_expired == 0 and report.orphans_removed == 0, report
        assert report.compaction.skipped == "nothing to compact", report
        assert table_rows(spark.table(table)) == rows[table]

    # A publish of the last scan is still a no-op, and the next domain run publishes.
    fast_forward(spark, GOLD)
    publish_gold(spark, GOLD, date(2026, 2, 1), 99)
    assert (date(2026, 2, 1), 99) in table_rows(spark.table(GOLD))
    assert len(table_rows(spark.table(GOLD))) == len(rows[GOLD]) + 1


def test_gold_with_an_unpublished_audit_state_is_not_compacted(lake, settings):
    spark = lake
    table = "gold.daily_revenue_gross"
    for n in range(5):                  # five small files on main
        spark.sql(f"INSERT INTO {table} VALUES (DATE'2026-01-0{n + 1}', {n}.50, {n})")
    reset_audit(spark, [table])
    with writing_to_audit(spark):       # a state written, neither scanned nor published
        spark.sql(f"INSERT INTO {table} VALUES (DATE'2026-01-06', 6.50, 6)")
    main_before = load_table(spark, table).currentSnapshot().snapshotId()

    report = maintain_table(spark, table, NO_RETENTION)

    assert report.compaction.skipped == f"not compacted: {AUDIT} not published", report
    assert load_table(spark, table).currentSnapshot().snapshotId() == main_before
    assert scanned_snapshot_id(spark, table) is None
    with writing_to_audit(spark):
        assert len(table_rows(spark.table(table))) == 6, "the audit state survives expiry"


def test_a_seven_day_retention_keeps_every_state_of_the_window(lake, settings):
    spark = lake
    for first in (1, 4, 7):
        append_bronze(spark, OLD_BRONZE, date(2026, 1, 2), first)
        time.sleep(1.1)
    snapshots = spark.sql(f"SELECT snapshot_id, committed_at FROM {OLD_BRONZE}.snapshots "
                          "ORDER BY committed_at").collect()
    assert len(snapshots) == 3
    # A window that starts between the 2nd and 3rd commits: the 2nd was current at its start.
    window_start = snapshots[1]["committed_at"] + (snapshots[2]["committed_at"] - snapshots[1]["committed_at"]) / 2
    as_of_start = table_rows(spark.sql(f"SELECT * FROM {OLD_BRONZE} TIMESTAMP AS OF '{window_start}'"))

    cutoff = retention_cutoff(spark, OLD_BRONZE, window_start)
    expired = expire_snapshots(spark, OLD_BRONZE, cutoff, RETAIN_LAST)

    kept = [row["snapshot_id"] for row in spark.sql(f"SELECT snapshot_id FROM {OLD_BRONZE}.snapshots").collect()]
    assert cutoff == snapshots[1]["committed_at"].replace(tzinfo=timezone.utc), (cutoff, snapshots)
    assert expired == 1 and sorted(kept) == sorted(s["snapshot_id"] for s in snapshots[1:]), kept
    assert table_rows(spark.sql(f"SELECT * FROM {OLD_BRONZE} TIMESTAMP AS OF '{window_start}'")) == as_of_start
    assert len(table_rows(spark.sql(f"SELECT * FROM {OLD_BRONZE} VERSION AS OF {snapshots[1]['snapshot_id']}"))) == 6

    week = by_table(maintain(spark, settings, timedelta(days=7), [OLD_BRONZE]))[OLD_BRONZE]
    assert week.snapshots_expired == 0 and week.after.snapshots == 2, week


def test_maintenance_waits_for_no_domain_run_it_would_race(lake, settings):
    spark = lake
    before = table_figures(spark, BRONZE)
    with domain_lock(settings, "recsys", "shoplake run recsys 2026-01-01..2026-01-01"):
        with pytest.raises(DomainLocked, match="another run of recsys holds the lock"):
            maintain(spark, settings, NO_RETENTION, [BRONZE])
    assert table_figures(spark, BRONZE) == before


@pytest.mark.slow
def test_maintenance_of_every_table_after_a_subscriptions_world(spark, settings, tmp_path):
    """Every table of every namespace, after days run in order and a re-run (MERGEs with
    deletes, gold published through audit/scanned): twice with no retention."""
    from worlds import subscriptions as world

    from spark_jobs.jobs import run_domain_day
    from spark_jobs.maintenance import all_tables, total_line

    reset_lake(spark)
    start = date(2026, 2, 2)
    world.write_world(tmp_path, start, 3, 2024)
    lake = settings.with_overrides(landing=str(tmp_path))
    for index in (0, 1, 2, 0):
        run_domain_day(spark, lake, "subscriptions", start + timedelta(days=index))
    tables = all_tables(spark)
    rows = {t: table_rows(spark.table(t)) for t in tables}

    started = time.monotonic()
    first = maintain(spark, settings, NO_RETENTION)
    print("\n" + "\n".join(r.line() for r in first) + "\n" + total_line(first, time.monotonic() - started))
    second = maintain(spark, settings, NO_RETENTION)

    assert [r.table for r in first] == tables
    assert sum(r.snapshots_expired for r in first) > 0 and any(r.compaction.skipped is None for r in first)
    for report in second:
        table = report.table
        assert table_rows(spark.table(table)) == rows[table], f"{table}: rows changed"
        assert report.after.snapshots <= snapshot_bound(spark, table), (report, refs(spark, table))
        assert report.before == report.after, report
        assert report.snapshots_expired == 0 and report.orphans_removed == 0, report
    # The next day publishes on the compacted gold.
    run_domain_day(spark, lake, "subscriptions", start + timedelta(days=2))
