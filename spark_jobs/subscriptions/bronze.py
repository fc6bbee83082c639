"""Land one ingest date of the subscriptions sources into bronze.

``events`` are NDJSON lines, ``subscriptions`` JSON arrays (one row per element),
``marketing_spend`` CSV rows; each kept as raw text, a corrupted line included.
"""
from __future__ import annotations

from datetime import date

from pyspark.sql import SparkSession

from spark_jobs.bronze import Source, load_bronze
from spark_jobs.config import Settings
from spark_jobs.run_log import write_run_log

SOURCES = (
    Source("subscriptions", "events", "ndjson"),
    Source("subscriptions", "subscriptions", "json_array"),
    Source("subscriptions", "marketing_spend", "csv"),
)


def run(spark: SparkSession, settings: Settings, ingest_date: date) -> None:
    records = [load_bronze(spark, settings, source, ingest_date) for source in SOURCES]
    write_run_log(spark, records)
    for r in records:
        print(f"bronze {r.source:<16} {ingest_date}  files={r.files}  read={r.records_read}  "
              f"in_bronze={r.rows_in_table}  reconciled={r.reconciled}")
