"""Maintenance without Spark: its lock, when compaction pays, and what it prints."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from spark_jobs import cli
from spark_jobs.config import load_settings
from spark_jobs.domain_lock import domain_lock
from spark_jobs.maintenance import (MIN_INPUT_FILES, CompactionResult, TableReport, compaction_reason, size_text,
                                    timestamp_literal, total_line)
from spark_jobs.table_figures import TableFigures


@pytest.fixture()
def lake(tmp_path, monkeypatch):
    """A catalog file, enough for the pre-flight check (no Spark)."""
    (tmp_path / "catalog.db").touch()
    env = {"SHOPLAKE_HOME": str(tmp_path), "SHOPLAKE_CATALOG_URI": f"jdbc:sqlite:{tmp_path / 'catalog.db'}",
           "SHOPLAKE_WAREHOUSE": (tmp_path / "wh").as_uri()}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return load_settings(env)


@pytest.mark.parametrize("domain", ["subscriptions", "recsys"])
def test_shoplake_maintain_stops_with_one_line_while_any_domain_runs(lake, capsys, domain):
    with domain_lock(lake, domain, f"shoplake run {domain} 2026-01-01..2026-01-01"):
        assert cli.main(["maintain", "--retention-days", "0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"shoplake: another run of {domain} holds the lock since ") and err.count("\n") == 1


def test_a_negative_retention_is_refused(lake, capsys):
    assert cli.main(["maintain", "--retention-days", "-1"]) == 2
    assert "must not be negative" in capsys.readouterr().err


def test_retention_defaults_to_seven_days_and_follows_the_environment():
    assert load_settings({}).snapshot_retention_days == 7
    assert load_settings({"SHOPLAKE_SNAPSHOT_RETENTION_DAYS": "30"}).snapshot_retention_days == 30


@pytest.mark.parametrize("small_files, delete_files, expected", [
    ([], 0, None),
    ([MIN_INPUT_FILES - 1, 1], 0, None),
    ([MIN_INPUT_FILES, 2], 0, f"1 partitions of ≥{MIN_INPUT_FILES} small files"),
    ([1], 3, "3 delete files"),
])
def test_compaction_runs_only_for_crowded_partitions_or_delete_files(small_files, delete_files, expected):
    assert compaction_reason(small_files, delete_files) == expected


def test_timestamps_reach_spark_in_utc():
    assert timestamp_literal(datetime(2026, 1, 2, 3, 4, 5, 6000)) == "TIMESTAMP'2026-01-02 03:04:05.006000'"
    berlin = timezone(timedelta(hours=1))
    assert timestamp_literal(datetime(2026, 1, 2, 3, 0, tzinfo=berlin)) == "TIMESTAMP'2026-01-02 02:00:00.000000'"


def test_report_lines_show_before_and_after():
    report = TableReport("silver.events", TableFigures(12, 40, 6, 3 * 2**20), TableFigures(3, 4, 0, 2**20),
                         CompactionResult(40, 4, 6, 0), snapshots_expired=9, orphans_removed=2, seconds=1.5)
    line = report.line()
    for part in ("silver.events", "snapshots 12→3", "data files 40→4", "delete files 6→0",
                 "size 3.0 MiB→1.0 MiB", "orphans 2", "compacted 40 data files into 4"):
        assert part in line, line
    total = total_line([report, report], 7.0)
    assert "snapshots 24→6" in total and "orphans 4" in total and "2 tables" in total and "7.0 s" in total
    assert size_text(512) == "512 B" and size_text(1536) == "1.5 KiB"
