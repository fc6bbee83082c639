"""Bronze marketing-spend CSV rows → typed spend with a quarantine ``reason``.

A row of a file without the expected header is ``missing_header``. Columns are found by
the file's header names (``date,channel,spend``), so a file with its
columns in another order still reads correctly; a missing column reads as missing.
"""
from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from spark_jobs.quarantine import with_landing_problem
from spark_jobs.strict_json import is_valid_utf8
from spark_jobs.subscriptions.normalise import first_reason, iso_date, money, number, text

MAX_COLUMNS = 12
CSV_SCHEMA = ", ".join(f"c{i} string" for i in range(MAX_COLUMNS))
SPEND_COLUMNS = ("spend_date", "channel", "spend_usd", "ingest_date", "source_file", "record_number")


def csv_field(name: str) -> Column:
    """The value of header column ``name`` in this row (null when the header lacks it)."""
    names = F.transform(F.col("_names"), lambda n: F.lower(text(n)))
    position = F.array_position(names, name).cast("int")
    return F.when(position > 0, F.try_element_at(F.col("_values"), position))


def split_csv(bronze: DataFrame) -> DataFrame:
    """Add ``_values`` and ``_names``: the row and its file header as arrays of cells."""
    as_array = lambda col: F.array(*[F.col(f"{col}.c{i}") for i in range(MAX_COLUMNS)])  # noqa: E731
    parsed = bronze.select("*", F.from_csv("raw", CSV_SCHEMA).alias("_row"), F.from_csv("header", CSV_SCHEMA).alias("_head"))
    return parsed.select("*", as_array("_row").alias("_values"), as_array("_head").alias("_names")).drop("_row", "_head")


def normalise_spend(rows: DataFrame) -> DataFrame:
    return rows.select(
        "*",
        iso_date(csv_field("date")).alias("spend_date"),
        F.coalesce(F.lower(text(csv_field("channel"))), F.lit("unknown")).alias("channel"),
        number(csv_field("spend")).alias("spend_exact"),
    ).withColumn("spend_usd", money(F.col("spend_exact")))


def spend_reason() -> Column:
    """The first rule a row breaks: a file without the expected header (every line of it
    is quarantined: no line can be read by column name), bytes that are not UTF-8, then the spec's."""
    return first_reason(
        (F.col("header").isNull(), "missing_header"),
        (~is_valid_utf8(F.col("raw")) | ~is_valid_utf8(F.col("header")), "invalid_encoding"),
        (F.col("spend_date").isNull(), "invalid_date"),
        (F.col("spend_exact").isNull() | F.col("spend_usd").isNull(), "invalid_spend"),
        (F.col("spend_exact") < 0, "negative_spend"),
    )


def parse_spend(bronze: DataFrame) -> DataFrame:
    """Bronze rows (with their CSV header) → SPEND_COLUMNS + raw + reason."""
    normalised = normalise_spend(split_csv(bronze))
    return normalised.withColumn("reason", with_landing_problem(bronze, spend_reason())).select(*SPEND_COLUMNS, "raw", "reason")
