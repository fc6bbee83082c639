"""The quality gate's wiring: where checks live, and that a failing check is named."""
from __future__ import annotations

import re
from datetime import date

from spark_jobs.config import PROJECT_ROOT
from spark_jobs.ddl import table_properties
from spark_jobs.gold import SQL_ROOT, table_spec
from spark_jobs.quality.scan import check_files, failures, soda_scan, sodacl
from spark_jobs.registry import domains


def test_every_gold_table_of_every_domain_has_its_checks_beside_the_model():
    for domain, declared in domains().items():
        tables = declared.gold_tables
        names = {p.stem for p in check_files(domain) if p.parent == SQL_ROOT / domain}
        assert names == set(tables), domain
        for name in tables:
            spec = table_spec(domain, name)
            assert spec["grain"] and spec["keys"] and spec["checks"], name
            assert (SQL_ROOT / domain / f"{name}.sql").exists() or spec.get("builder"), name


def test_a_gold_yml_becomes_the_checks_of_its_audit_view():
    text = sodacl(SQL_ROOT / "subscriptions" / "daily_active_users.yml")
    assert text.startswith("checks for gold_daily_active_users:")
    assert "daily_active_users event_date is unique" in text


def test_every_gold_table_is_written_through_a_wap_branch():
    for declared in domains().values():
        for name in declared.gold_tables:
            ddl = (PROJECT_ROOT / "iceberg_ddl" / "gold" / f"{name}.sql").read_text()
            assert table_properties("gold", ddl)["write.wap.enabled"] == "true", name


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
    checks = SQL_ROOT / "subscriptions" / "weekly_cohort_retention.yml"
    scan = soda_scan(spark, [checks], {"domain": "subscriptions", "ingest_date": "2026-01-12",
                                       "as_of": "2026-01-12"})
    assert failures(scan) == ["weekly_cohort_retention weeks start on Monday, week 0 keeps everyone, active <= size"]


def test_freshness_warns_and_never_fails_even_for_a_source_that_never_delivered(spark):
    """A late or never-delivered source is a signal (spend starts weeks late, arrives twice
    a month): the shipped freshness checks must warn, not fail the gate."""
    checks = PROJECT_ROOT / "soda" / "silver" / "subscriptions" / "marketing_spend.yml"
    variables = {"domain": "subscriptions", "ingest_date": "2026-03-01", "as_of": "2026-03-01"}
    schema = "spend_date date, channel string, spend_usd int, ingest_date date"
    for rows in ([], [(date(2026, 1, 1), "google", 1, date(2026, 1, 2))]):   # never, and 58 days ago
        spark.createDataFrame(rows, schema).createOrReplaceTempView("silver_marketing_spend")
        scan = soda_scan(spark, [checks], variables)
        assert failures(scan) == []
        assert [c.name for c in scan.get_checks_warn_or_fail()] == ["silver.marketing_spend received data recently"]


def test_no_shipped_check_fails_on_freshness_or_emptiness():
    for path in sorted((PROJECT_ROOT / "soda").glob("*/*/*.yml")) + sorted(SQL_ROOT.glob("*/*.yml")):
        text = path.read_text()
        assert not re.search(r"freshness\([^)]*\)\s*<", text), path     # an inline threshold fails
        assert "row_count > 0" not in text, path
        for block in re.findall(r"freshness\(.*?(?=\n  - |\Z)", text, re.S):
            assert "fail:" not in block, path


def test_each_gold_model_reads_only_the_silver_tables_of_its_declared_sources():
    """The declared sources are what a stale-source warning names: they must match the SQL."""
    from spark_jobs.subscriptions import DOMAIN

    silver_of = {"events": "events", "event_conflicts": "events", "subscriptions": "subscriptions",
                 "marketing_spend": "marketing_spend", "fx_rates": None}
    models = PROJECT_ROOT / "sql" / "gold" / "subscriptions"

    def sources(name: str) -> set[str]:
        sql = (models / f"{name}.sql").read_text()
        read = {silver_of[t] for t in re.findall(r"\bsilver\.(\w+)", sql)} - {None}
        for gold in set(re.findall(r"\bgold\.(\w+)", sql)) - {name}:
            read |= sources(gold)
        return read

    for gold in DOMAIN.gold:
        assert sources(gold.name) == set(gold.sources), gold.name


def test_soda_reads_shoplakes_config_and_sends_no_usage_traces():
    from soda.common.config_helper import ConfigHelper

    from spark_jobs.quality.scan import SODA_CONFIG, soda_without_telemetry

    soda_without_telemetry()
    helper = ConfigHelper.get_instance()
    assert helper.send_anonymous_usage_stats is False
    assert helper.config_path == str(SODA_CONFIG)
