"""Helpers for the silver unit tests: bronze-shaped frames and parsing them once per module."""
from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import date

import pytest

from spark_jobs.subscriptions.fx import current_rates, read_rates_file

RATES = current_rates(read_rates_file())
DAY = date(2026, 1, 5)
BRONZE_SCHEMA = "ingest_date date, source_file string, record_number int, raw string, header string"


@contextmanager
def few_partitions(spark):
    """Tiny inputs: one shuffle partition keeps each query quick."""
    before = spark.conf.get("spark.sql.shuffle.partitions")
    spark.conf.set("spark.sql.shuffle.partitions", "1")
    try:
        yield
    finally:
        spark.conf.set("spark.sql.shuffle.partitions", before)


@pytest.fixture(autouse=True)
def one_shuffle_partition(spark):
    with few_partitions(spark):
        yield


def bronze_frame(spark, raws: list[str | None], ingest_date: date = DAY, header: str | None = None,
                 source_file: str = "f.txt"):
    """Bronze rows numbered 1.. in ``raws`` order."""
    rows = [(ingest_date, source_file, i + 1, raw, header) for i, raw in enumerate(raws)]
    return spark.createDataFrame(rows, BRONZE_SCHEMA)


def parsed_by_number(frame) -> dict[int, dict]:
    return {r["record_number"]: r.asDict() for r in frame.collect()}


class Cases:
    """Named raw records; ``row(name)`` finds the parsed row of a case."""

    def __init__(self, cases: dict[str, object]):
        self.names = list(cases)
        self.raws = [v if isinstance(v, str) or v is None else json.dumps(v) for v in cases.values()]
        self.rows: dict[int, dict] = {}

    def parse(self, spark, parser, **kwargs) -> "Cases":
        with few_partitions(spark):
            self.rows = parsed_by_number(parser(bronze_frame(spark, self.raws, **kwargs)))
        return self

    def row(self, name: str) -> dict:
        return self.rows[self.names.index(name) + 1]
