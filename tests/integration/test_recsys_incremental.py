"""Day-by-day recsys runs with late and re-delivered data equal a from-scratch build.

Generated landing data (every trap of the recsys spec, small volumes) is run one ingest
date at a time in the shared in-process Spark session; a day is then re-run. The
training input must equal the common from-scratch computation over all silver data,
and every bronze record must be accounted for.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest

pytestmark = pytest.mark.integration
START = date(2026, 3, 1)
DAYS = 3


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """Where the last run of ``recsys_lake`` writes its report (the session's runs write none)."""
    return tmp_path_factory.mktemp("recsys-reports")


@pytest.fixture(scope="module")
def recsys_lake(spark, settings, reports):
    from spark_jobs.jobs import run_domain_day
    from spark_jobs.datagen.recsys import generate

    traps = generate(settings, settings.landing, days=DAYS, seed=7, start=START,
                     customers=30, actions_per_day=60, impressions_per_day=6)
    for n in range(DAYS):
        run_domain_day(spark, settings, "recsys", START + timedelta(days=n))
    with_report = settings.with_overrides(reports_root=reports, reports_enabled=True)
    run_domain_day(spark, with_report, "recsys", START + timedelta(days=1))  # re-run after later days
    return traps


def test_daily_runs_with_late_actions_equal_a_from_scratch_build(spark, recsys_lake):
    from spark_jobs.recsys.reference import training_input_from_scratch

    assert recsys_lake["late_action"] > 0 and recsys_lake["redelivered_shorter"] > 0
    got = spark.table("gold.training_input").where(f"dt >= DATE'{START - timedelta(days=1)}'")
    expected = training_input_from_scratch(spark.table("silver.recsys_impressions"),
                                           spark.table("silver.recsys_actions"), 365).select(*got.columns)
    expected = expected.where(f"dt >= DATE'{START - timedelta(days=1)}'")
    assert got.count() > 0
    assert got.exceptAll(expected).count() == 0 and expected.exceptAll(got).count() == 0


def test_every_bronze_record_is_in_silver_or_quarantine(spark, recsys_lake):
    # Only this world's dates: the session's lake may hold other tests' recsys runs.
    logged = spark.sql(f"SELECT source, ingest_date, records_read, rows_in_table FROM ops.run_log "
                       f"WHERE domain = 'recsys' AND stage = 'silver' AND ingest_date BETWEEN DATE'{START}' "
                       f"AND DATE'{START + timedelta(days=DAYS - 1)}'").collect()
    assert len(logged) == 4 * DAYS
    assert all(r.records_read == r.rows_in_table for r in logged)
    reasons = {r.reason for r in spark.sql("SELECT DISTINCT reason FROM quarantine.records WHERE domain = 'recsys'").collect()}
    assert {"invalid_json", "missing_customer_id", "missing_item_id", "invalid_timestamp", "missing_ranking_id",
            "invalid_date", "invalid_impressions"} <= reasons


def test_a_shorter_redelivery_removes_the_positions_it_no_longer_has(spark, recsys_lake):
    from spark_jobs.recsys.rankings import winners

    won = winners(spark.table("silver.recsys_impressions")).selectExpr(
        "dt", "ranking_id", "greatest(size(impressions), 0) AS n")
    built = spark.table("gold.training_input").groupBy("dt", "ranking_id").count()
    mismatched = won.join(built, ["dt", "ranking_id"], "full").where(
        "coalesce(n, 0) <> coalesce(`count`, 0)")
    assert mismatched.count() == 0


def test_the_report_of_the_last_run_shows_the_published_training_days(spark, recsys_lake, reports):
    from spark_jobs.reports.common import window_start
    from spark_jobs.reports.page import chart_traces

    rerun = START + timedelta(days=1)
    page = (reports / "recsys" / f"{rerun}.html").read_text()
    assert (reports / "recsys" / "latest.html").read_text() == page
    published = {r["dt"].isoformat(): r["count"] for r in spark.table("gold.training_input")
                 .where(f"dt >= DATE'{window_start(rerun, rerun)}'").groupBy("dt").count().collect()}
    shown = chart_traces(page, "training-input-per-day")[0]

    assert published and dict(zip(shown["x"], shown["y"])) == published
    assert set(published) >= {str(START + timedelta(days=n)) for n in range(DAYS)}
