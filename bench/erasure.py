"""Benchmark: erase one user and one customer from a lake, and maintain it.

    .venv/bin/python bench/erasure.py [--days 30] [--events-per-day 400] [--recsys-days 14] [--keep DIR]

Builds a lake in a temporary directory (local landing and warehouse, SQLite catalog) the
way ``make demo`` does — ``--days`` days of generated subscriptions data and
``--recsys-days`` of recsys, run untimed in one Spark application — then, in that
application:

* ``shoplake maintain`` with a 7-day retention (what the daily DAG does: nothing is old
  enough to expire) and with 0 days (the bound every table comes down to): snapshots,
  data files and delete files before and after, and seconds;
* the erasure of the user with the most events and of the customer with the most
  actions: seconds per step (find, landing, recompute, delete, purge, verify), what was
  removed, and the verifier's objects scanned and occurrences found.

The defaults are the demo lake; ``--days 1 --events-per-day 1000000 --recsys-days 0`` is a
1M-event lake.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

START = date(2026, 1, 1)


def lake_env(base: Path) -> None:
    (base / "home").mkdir(parents=True)
    os.environ.update({
        "SHOPLAKE_HOME": str(base / "home"), "SHOPLAKE_WAREHOUSE": (base / "warehouse").as_uri(),
        "SHOPLAKE_LANDING": str(base / "landing"),
    })


def build(spark, settings, days: int, events_per_day: int, recsys_days: int) -> float:
    from spark_jobs.datagen import recsys, subscriptions
    from spark_jobs.jobs import run_domain_range

    started = time.perf_counter()
    subscriptions.generate(settings, settings.landing, days=days, seed=42, start=START, events_per_day=events_per_day)
    run_domain_range(spark, settings, "subscriptions", [START + timedelta(days=n) for n in range(days)])
    if recsys_days:
        recsys.generate(settings, settings.landing, days=recsys_days, seed=42, start=START)
        run_domain_range(spark, settings, "recsys", [START + timedelta(days=n) for n in range(recsys_days)])
    return time.perf_counter() - started


def maintenance(spark, retention_days: int) -> None:
    from spark_jobs.maintenance import maintain_tables

    started = time.perf_counter()
    reports = maintain_tables(spark, timedelta(days=retention_days))
    seconds = time.perf_counter() - started
    before = [sum(getattr(r.before, f) for r in reports) for f in ("snapshots", "data_files", "delete_files")]
    after = [sum(getattr(r.after, f) for r in reports) for f in ("snapshots", "data_files", "delete_files")]
    print(f"maintain (retention {retention_days} d, {len(reports)} tables): snapshots {before[0]} -> {after[0]}, "
          f"data files {before[1]} -> {after[1]}, delete files {before[2]} -> {after[2]}; {seconds:.1f} s")


def erase_one(spark, settings, request_id: str, kind: str, subject: str) -> None:
    from spark_jobs.privacy.erase import erase_request
    from spark_jobs.privacy.requests import register

    started = time.perf_counter()
    report = erase_request(spark, settings, request_id,
                           before=lambda: register(spark, settings, request_id, kind, subject))
    seconds = time.perf_counter() - started
    steps = ", ".join(f"{name} {value:.1f}" for name, value in report.seconds.items())
    print(f"erase {kind}: {seconds:.1f} s ({steps}); {sum(report.rows_removed.values())} rows in "
          f"{len(report.rows_removed)} tables, {report.landing_records_removed} landing records, "
          f"{report.days_recomputed} days recomputed; verifier {report.objects_scanned} objects, "
          f"{report.occurrences_found} occurrences")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--events-per-day", type=int, default=400)
    parser.add_argument("--recsys-days", type=int, default=14)
    parser.add_argument("--keep", help="build the lake here and keep it")
    parser.add_argument("--no-maintenance", action="store_true", help="time the erasures only")
    options = parser.parse_args()
    base = Path(options.keep or tempfile.mkdtemp(prefix="shoplake-bench-erasure-"))
    lake_env(base)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from spark_jobs.config import load_settings
    from spark_jobs.ddl import apply_ddl
    from spark_jobs.session import get_spark

    settings = load_settings()
    spark = get_spark("bench-erasure", settings)
    apply_ddl(spark)
    built = build(spark, settings, options.days, options.events_per_day, options.recsys_days)
    events = spark.table("silver.events").count()
    print(f"lake: {options.days} subscriptions days x {options.events_per_day} events ({events:,} in silver.events), "
          f"{options.recsys_days} recsys days; built in {built:.0f} s (untimed)")
    if not options.no_maintenance:
        maintenance(spark, 7)
        maintenance(spark, 0)
    user = spark.sql("SELECT user_id FROM silver.events WHERE user_id IS NOT NULL GROUP BY user_id "
                     "ORDER BY count(*) DESC, user_id LIMIT 1").first()[0]
    erase_one(spark, settings, "bench-user", "user_id", user)
    if options.recsys_days:
        customer = spark.sql("SELECT customer_id FROM silver.recsys_actions GROUP BY customer_id "
                             "ORDER BY count(*) DESC, customer_id LIMIT 1").first()[0]
        erase_one(spark, settings, "bench-customer", "customer_id", str(customer))
    spark.stop()
    if not options.keep:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
