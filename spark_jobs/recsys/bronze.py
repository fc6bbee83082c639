"""Land one ingest date of the recsys sources into bronze.

Each source folder may mix NDJSON files (one record per line) and Parquet files (one
record per row, kept as JSON text); both are raw text in bronze, a corrupted line included.
"""
from __future__ import annotations

from datetime import date

from pyspark.sql import SparkSession

from spark_jobs.bronze import Source, load_sources
from spark_jobs.config import Settings

SOURCES = tuple(Source("recsys", name, "ndjson_or_parquet")
                for name in ("impressions", "clicks", "add_to_carts", "previous_orders"))


def run(spark: SparkSession, settings: Settings, ingest_date: date) -> None:
    load_sources(spark, settings, SOURCES, ingest_date)
