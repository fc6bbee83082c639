"""Records a re-delivered file removes leave every downstream table, even when the re-run
that removes them dies half way.

A two-day hard-case world (``tests/worlds``) is run; then the first day's files are
delivered again without some records (a user's events, a customer's actions and
carousels), and the first day is re-run with a crash injected right after silver
committed the slice: the job raises where a killed process would stop, nothing is
caught. The day is run once more, and the published gold must equal the independent
reference (``tests/reference``) over the files as they now are.
"""
from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from lake_support import reset_lake, table_rows
from reference import recsys as recsys_reference
from reference import subscriptions as subscriptions_reference
from test_reference_worlds import same_rows, short
from worlds import recsys as recsys_world
from worlds import subscriptions as subscriptions_world

from spark_jobs.jobs import run_domain_day
from spark_jobs.merge import write_rows

pytestmark = pytest.mark.integration
D1 = date(2026, 2, 2)
D2 = D1 + timedelta(days=1)


class Killed(BaseException):
    """Stands for SIGKILL: a BaseException, so no ``except Exception`` of the job stops it."""


def crash_after_writing(monkeypatch, module, table: str) -> None:
    """``module``'s writes stop the run right after the commit that writes ``table``."""
    def write_then_die(source, spec):
        result = write_rows(source, spec)
        if spec.table == table:
            raise Killed(f"killed after the commit of {table}")
        return result

    monkeypatch.setattr(module, "write_rows", write_then_die)


def field(line: str, name: str):
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return str(value.get(name)).strip() if isinstance(value, dict) else None


def remove_lines(folder: Path, drop) -> int:
    """Deliver the folder's files again without the lines ``drop`` selects; lines removed."""
    removed = 0
    for path in sorted(folder.glob("*.ndjson")):
        lines = path.read_text().splitlines()
        kept = [line for line in lines if not drop(line)]
        removed += len(lines) - len(kept)
        path.write_text("\n".join(kept) + "\n")
    return removed


def assert_gold_equals(spark, tables: dict[str, list[tuple]], context: str) -> None:
    for table, expected in tables.items():
        extra, missing = same_rows(table_rows(spark.table(f"gold.{table}")), expected)
        assert not extra and not missing, (f"{context}: gold.{table}: {len(extra)} rows only in gold {short(extra)}, "
                                           f"{len(missing)} only in the reference {short(missing)}")


def test_removed_events_recompute_their_users_gold_after_a_crash(spark, settings, tmp_path, monkeypatch):
    from spark_jobs.subscriptions import silver

    subscriptions_world.write_world(tmp_path, D1, 2, 2024)
    lake = settings.with_overrides(landing=str(tmp_path))
    reset_lake(spark)
    for day in (D1, D2):
        run_domain_day(spark, lake, "subscriptions", day)
    before = {t: table_rows(spark.table(f"gold.{t}")) for t in ("ltv_per_user", "weekly_cohort_retention")}

    folder = tmp_path / "subscriptions" / "events" / f"ingest_date={D1}"
    lines = [line for path in sorted(folder.glob("*.ndjson")) for line in path.read_text().splitlines()]
    buyer = next(field(line, "user_id") for line in lines if field(line, "event_type") == "purchase")
    joiner = next(field(line, "user_id") for line in lines
                  if field(line, "event_type") == "signup" and field(line, "user_id") != buyer)
    assert remove_lines(folder, lambda line: field(line, "user_id") in (buyer, joiner)) > 0

    crash_after_writing(monkeypatch, silver, "silver.event_versions")
    with pytest.raises(Killed):
        run_domain_day(spark, lake, "subscriptions", D1)
    monkeypatch.undo()
    run_domain_day(spark, lake, "subscriptions", D1)

    expected = subscriptions_reference.gold_tables(tmp_path, D2, {D1, D2})
    assert_gold_equals(spark, expected, f"after removing {buyer}'s and {joiner}'s events of {D1}")
    assert table_rows(spark.table("gold.ltv_per_user")) != before["ltv_per_user"], "the removal changed no LTV"


def test_removed_actions_and_carousels_leave_histories_and_training_input(spark, settings, tmp_path, monkeypatch):
    from spark_jobs.recsys import silver
    from spark_jobs.recsys.tables import ACTIONS

    recsys_world.write_world(tmp_path, D1, 2, 2024, lookback_days=365)
    lake = settings.with_overrides(landing=str(tmp_path))
    reset_lake(spark)
    for day in (D1, D2):
        run_domain_day(spark, lake, "recsys", day)
    before = table_rows(spark.table("gold.training_input"))

    day_one = tmp_path / "recsys"
    customer = field((day_one / "impressions" / f"ingest_date={D1}" / "part-00000.ndjson").read_text()
                     .splitlines()[0], "customer_id")
    removed = sum(remove_lines(day_one / source / f"ingest_date={D1}",
                               lambda line: field(line, "customer_id") == customer)
                  for source in ("clicks", "add_to_carts", "previous_orders", "impressions"))
    assert removed > 0

    crash_after_writing(monkeypatch, silver, ACTIONS)
    with pytest.raises(Killed):
        run_domain_day(spark, lake, "recsys", D1)
    monkeypatch.undo()
    run_domain_day(spark, lake, "recsys", D1)

    expected = {"training_input": recsys_reference.training_input(tmp_path, 365, {D1, D2})}
    assert_gold_equals(spark, expected, f"after removing customer {customer}'s records of {D1}")
    assert table_rows(spark.table("gold.training_input")) != before, "the removal changed no training row"
