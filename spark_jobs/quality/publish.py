"""``quality.publish <domain>``: make the audited gold visible by fast-forwarding main.

Runs only after ``quality.scan`` passed. Each gold table's main moves to the snapshot
that scan checked (its ``scanned`` tag; a no-op when nothing changed), and only if main
is an ancestor of it: a state another run published meanwhile fails the job in one line
rather than being rolled back or skipped. The published ingest dates are recorded in
ops.run_log (stage 'publish'), so a later gold run knows which dates' changes are out.
Then the run's HTML report is written (:mod:`spark_jobs.reports`) and its path printed,
so the task log links to it; a report that cannot be written never fails the job.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from pyspark.sql import SparkSession

from spark_jobs.config import Settings
from spark_jobs.gold import pending_dates
from spark_jobs.quality.domains import gold_tables
from spark_jobs.quality.wap import fast_forward, published_rows
from spark_jobs.reports import write_report
from spark_jobs.run_log import RunRecord, write_run_log


def publish(spark: SparkSession, domain: str, ingest_date: date) -> None:
    started = datetime.now(timezone.utc).replace(tzinfo=None)
    dates = pending_dates(spark, domain, ingest_date)
    rows = 0
    for table in gold_tables(domain):
        previous, current = fast_forward(spark, table)
        rows += published_rows(spark, table)
        print(f"publish {table:<34} {previous} -> {current}")
    tables = len(gold_tables(domain))
    write_run_log(spark, [RunRecord(domain, "publish", "gold", d, tables, rows, rows, started) for d in dates])


RUNS_ONCE_PER_RANGE = True  # publishes every date the audit branch holds


def run(spark: SparkSession, settings: Settings, ingest_date: date, domain: str,
        first_date: date | None = None) -> None:
    publish(spark, domain, ingest_date)
    report = write_report(spark, settings, domain, first_date or ingest_date, ingest_date)
    if report is not None:
        print(f"report: {report.as_uri()}", flush=True)
