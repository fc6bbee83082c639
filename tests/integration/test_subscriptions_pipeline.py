"""The subscriptions pipeline end to end, in-process: generated landing days run one by
one (with a swapped pair and a re-run) must leave every gold table equal to a rebuild
from scratch; a failing quality check must keep the published gold unchanged."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from lake_support import reset_lake, table_rows as rows

from spark_jobs.gold import model_frame
from spark_jobs.jobs import resolve, run_domain_day
from spark_jobs.quality.scan import QualityGateFailed
from spark_jobs.quality.wap import writing_to_audit
from spark_jobs.datagen.subscriptions import generate
from spark_jobs.subscriptions import DOMAIN as declaration
from spark_jobs.subscriptions.gold import MODELS

pytestmark = pytest.mark.integration

DOMAIN = "subscriptions"
GOLD_TABLES = declaration.gold_tables
START = date(2026, 1, 1)
DAYS = 5
DAY = [START + timedelta(days=n) for n in range(DAYS)]


@pytest.fixture(scope="module")
def lake(settings, tmp_path_factory):
    """Settings whose landing holds DAYS generated days (missing events day included)."""
    landing = tmp_path_factory.mktemp("subscriptions_landing")
    generate(settings, str(landing), days=DAYS, seed=11, start=START, events_per_day=300)
    return settings.with_overrides(landing=str(landing))


def published_gold(spark) -> dict[str, list[tuple]]:
    return {name: rows(spark.table(f"gold.{name}")) for name in GOLD_TABLES}


def rebuilt_gold(spark, lake, as_of: date) -> dict[str, list[tuple]]:
    """Gold computed whole, from silver rebuilt from scratch over the same landing days."""
    reset_lake(spark)
    for day in DAY:
        resolve("bronze")(spark, lake, day, DOMAIN)
        resolve("subscriptions.silver")(spark, lake, day)
    result = {}
    for model in MODELS:       # dependency order: mrr_monthly and ltv_cac_ratio read gold tables
        frame = model_frame(spark, model, as_of).cache()
        result[model.name] = rows(frame)
        frame.writeTo(model.table).append()
        frame.unpersist()
    return result


@pytest.mark.slow   # the default suite proves day-by-day runs in several orders in test_reference_worlds.py
def test_day_by_day_with_a_swap_and_a_rerun_equals_a_rebuild_from_scratch(spark, lake):
    reset_lake(spark)
    order = [DAY[0], DAY[1], DAY[3], DAY[2], DAY[4], DAY[2]]    # 4th before 3rd, 3rd re-run last
    for day in order:
        run_domain_day(spark, lake, DOMAIN, day)
    incremental = published_gold(spark)

    rebuilt = rebuilt_gold(spark, lake, as_of=DAY[-1])

    assert set(incremental) == set(GOLD_TABLES)
    for name in GOLD_TABLES:
        assert incremental[name] == rebuilt[name], name
    assert all(rebuilt[name] for name in ("daily_active_users", "daily_revenue_net", "mrr_daily",
                                          "weekly_cohort_retention", "ltv_per_user", "ltv_cac_ratio"))


def _corrupt_audit_dau(spark) -> None:
    """A duplicate date on the audit branch: the kind of bug the gate must stop."""
    with writing_to_audit(spark):
        spark.sql("INSERT INTO gold.daily_active_users SELECT event_date, dau + 1 FROM gold.daily_active_users LIMIT 1")


def _run_with_a_failing_gate(spark, lake, day: date) -> None:
    """Run a day up to its scan with a broken gold row: the gate must fail, naming the check."""
    resolve("bronze")(spark, lake, day, DOMAIN)
    for job in ("subscriptions.silver", "subscriptions.gold"):
        resolve(job)(spark, lake, day)
    _corrupt_audit_dau(spark)
    with pytest.raises(QualityGateFailed, match="daily_active_users event_date is unique"):
        resolve("quality.scan")(spark, lake, day, DOMAIN)


def test_a_failing_check_blocks_publication_and_names_the_check(spark, lake):
    reset_lake(spark)
    run_domain_day(spark, lake, DOMAIN, DAY[0])
    before = published_gold(spark)

    _run_with_a_failing_gate(spark, lake, DAY[1])

    assert published_gold(spark) == before


def test_a_failed_first_publication_leaves_the_next_day_able_to_build_scan_and_publish(spark, lake):
    """Before any publication main has no snapshot: the audit branch the failed run left
    must not stop the next run (Iceberg cannot move a branch to main's nothing)."""
    reset_lake(spark)
    _run_with_a_failing_gate(spark, lake, DAY[0])
    assert published_gold(spark)["daily_active_users"] == []

    run_domain_day(spark, lake, DOMAIN, DAY[1])

    dau = published_gold(spark)["daily_active_users"]
    assert dau and dau[0][0] <= DAY[0] and dau[-1][0] == DAY[1]
    assert len({d for d, _ in dau}) == len(dau)
