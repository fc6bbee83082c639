"""The quality gate's wiring: where checks live, and that a failing check is named."""
from __future__ import annotations

import re
from datetime import date

from spark_jobs.config import PROJECT_ROOT
from spark_jobs.quality.domains import GOLD_TABLES
from spark_jobs.quality.scan import check_files, failures, soda_scan


def test_every_gold_table_of_every_domain_has_its_checks_beside_the_model():
    for domain, tables in GOLD_TABLES.items():
        names = {p.stem for p in check_files(domain) if p.parent.parent.name == "gold"}
        assert names >= set(tables), domain


def test_every_gold_table_is_written_through_a_wap_branch():
    for tables in GOLD_TABLES.values():
        for name in tables:
            ddl = (PROJECT_ROOT / "iceberg_ddl" / "gold" / f"{name}.sql").read_text()
            assert re.search(r"'write\.wap\.enabled'\s*=\s*'true'", ddl), name


def test_a_failing_check_is_reported_by_its_name(spark, tmp_path):
    spark.createDataFrame([(1,), (1,), (2,)], "k int").createOrReplaceTempView("gold_quality_probe")
    checks = tmp_path / "probe.yml"
    checks.write_text("checks for gold_quality_probe:\n"
                      "  - duplicate_count(k) = 0:\n      name: probe k is unique\n"
                      "  - row_count > 0:\n      name: probe is not empty\n")
    scan = soda_scan(spark, [checks], {"domain": "probe", "ingest_date": "2026-01-01", "as_of": "2026-01-01"})
    assert failures(scan) == ["probe k is unique"]


def test_a_check_soda_cannot_evaluate_fails_the_gate(spark, tmp_path):
    checks = tmp_path / "broken.yml"
    checks.write_text("checks for gold_missing_view_for_probe:\n  - row_count > 0\n")
    scan = soda_scan(spark, [checks], {"domain": "probe", "ingest_date": "2026-01-01", "as_of": "2026-01-01"})
    assert failures(scan)


def test_a_shipped_expression_check_fails_on_a_broken_row(spark):
    """Row rules are metric expressions folded into the table's aggregation query: they
    must still see (and name) a broken row, here a cohort with more active users than members."""
    rows = [(date(2026, 1, 5), 0, 10, 10, 1.0), (date(2026, 1, 5), 1, 10, 11, 1.0)]
    spark.createDataFrame(rows, "cohort_week date, week_number int, cohort_size bigint, active_users bigint, "
                                "retention_rate double").createOrReplaceTempView("gold_weekly_cohort_retention")
    checks = PROJECT_ROOT / "soda" / "gold" / "subscriptions" / "weekly_cohort_retention.yml"
    scan = soda_scan(spark, [checks], {"domain": "subscriptions", "ingest_date": "2026-01-12",
                                       "as_of": "2026-01-12"})
    assert failures(scan) == ["weekly_cohort_retention weeks start on Monday, week 0 keeps everyone, active <= size"]
