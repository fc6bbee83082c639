"""Builds a small lake on MinIO for test_trino.py and prints what Spark reads from it.

Run as a subprocess (the test session's own Spark works on a local-directory lake): both
domains run two generated days, then subscriptions runs a third day up to a quality gate
that fails. Prints one JSON line: every gold table's Spark schema and rows as published
(``main``), and ``daily_active_users`` on ``main`` and on the ``audit`` branch after the
failed gate. Values are in :func:`plain` form so they compare with Trino's.
"""
from __future__ import annotations

import json
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lake_support import reset_lake  # noqa: E402
from trino_values import plain  # noqa: E402

from spark_jobs.config import load_settings  # noqa: E402
from spark_jobs.ddl import apply_ddl  # noqa: E402
from spark_jobs.jobs import resolve, run_domain_day  # noqa: E402
from spark_jobs.quality.scan import QualityGateFailed  # noqa: E402
from spark_jobs.quality.wap import writing_to_audit  # noqa: E402
from spark_jobs.registry import domains  # noqa: E402
from spark_jobs.session import get_spark  # noqa: E402

START = date(2026, 1, 1)
DAYS = [START]
FAILED_DAY = START + timedelta(days=1)


def generate_landing(settings, out: str) -> None:
    from spark_jobs.datagen.recsys import generate as recsys
    from spark_jobs.datagen.subscriptions import generate as subscriptions

    subscriptions(settings, out, days=2, seed=7, start=START, events_per_day=150)
    recsys(settings, out, days=1, seed=7, start=START, customers=40, actions_per_day=120, impressions_per_day=12)


def spark_read(frame) -> dict:
    """A frame's schema (name, Spark simpleString type) and rows in plain form, sorted."""
    schema = [[f.name, f.dataType.simpleString()] for f in frame.schema.fields]
    rows = sorted((plain(tuple(r)) for r in frame.collect()), key=json.dumps)
    return {"schema": schema, "rows": rows}


def fail_the_gate(spark, settings, day: date) -> str:
    """Run subscriptions for ``day`` with a duplicate date on the audit branch: the scan fails."""
    resolve("bronze")(spark, settings, day, "subscriptions")
    for job in ("subscriptions.silver", "subscriptions.gold"):
        resolve(job)(spark, settings, day)
    with writing_to_audit(spark):
        spark.sql("INSERT INTO gold.daily_active_users SELECT event_date, dau + 1 FROM gold.daily_active_users LIMIT 1")
    try:
        resolve("quality.scan")(spark, settings, day, "subscriptions")
    except QualityGateFailed as failed:
        return str(failed).splitlines()[0]
    raise AssertionError("the quality gate passed a duplicate date")


def main() -> None:
    settings = load_settings()
    settings = settings.with_overrides(landing="s3://landing/trino-probe")
    spark = get_spark("trino lake probe", settings)
    apply_ddl(spark)        # a fresh catalog has no namespaces yet
    reset_lake(spark)
    generate_landing(settings, settings.landing)
    for name in sorted(domains()):
        for day in DAYS:
            run_domain_day(spark, settings, name, day)
    published = {f"gold.{t}": spark_read(spark.table(f"gold.{t}"))
                 for d in domains().values() for t in d.gold_tables}
    gate = fail_the_gate(spark, settings, FAILED_DAY)
    print(json.dumps({
        "published": published,
        "gate": gate,
        "main_after_gate": spark_read(spark.table("gold.daily_active_users")),
        "audit_after_gate": spark_read(spark.sql("SELECT * FROM gold.daily_active_users VERSION AS OF 'audit'")),
    }))


if __name__ == "__main__":
    main()
