"""Land one ingest date of the subscriptions sources into bronze.

``events`` are NDJSON lines, ``subscriptions`` JSON arrays (one row per element),
``marketing_spend`` CSV rows; each kept as raw text, a corrupted line included.
"""
from __future__ import annotations

from datetime import date

from pyspark.sql import SparkSession

from spark_jobs.bronze import Source, load_sources
from spark_jobs.config import Settings

SOURCES = (
    Source("subscriptions", "events", "ndjson"),
    Source("subscriptions", "subscriptions", "json_array"),
    Source("subscriptions", "marketing_spend", "csv"),
)


def run(spark: SparkSession, settings: Settings, ingest_date: date) -> None:
    load_sources(spark, settings, SOURCES, ingest_date)
