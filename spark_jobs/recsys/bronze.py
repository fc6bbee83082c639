"""Land one ingest date of the recsys sources into bronze.

Each source folder may mix NDJSON files (one record per line) and Parquet files (one
record per row, kept as JSON text); both are raw text in bronze, a corrupted line included.
"""
from __future__ import annotations

from datetime import date

from pyspark.sql import SparkSession

from spark_jobs.bronze import Source, load_bronze
from spark_jobs.config import Settings
from spark_jobs.run_log import write_run_log

SOURCES = tuple(Source("recsys", name, "ndjson_or_parquet")
                for name in ("impressions", "clicks", "add_to_carts", "previous_orders"))


def run(spark: SparkSession, settings: Settings, ingest_date: date) -> None:
    records = [load_bronze(spark, settings, source, ingest_date) for source in SOURCES]
    write_run_log(spark, records)
    for r in records:
        print(f"bronze recsys.{r.source:<16} {ingest_date}  files={r.files}  read={r.records_read}  "
              f"in_bronze={r.rows_in_table}  reconciled={r.reconciled}")
