"""Column rules shared by the subscriptions parsers: the spec's general reading rules.

Strings are trimmed and an empty string is missing; numeric fields accept JSON numbers and
numeric strings; money is rounded half up to cents; timestamps and dates accept exactly the
layouts of the spec. Every function returns a Column and never fails on bad input: what
cannot be read becomes null, and the parser turns that null into a quarantine reason.
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import StringType, StructField, StructType

from spark_jobs.strict_json import STRICT_JSON, is_strict_json

NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
# Accepted instants: ISO with T (zone Z, +HH:MM, +HHMM or none) or a space (no zone); optional fraction.
TIMESTAMP_SHAPE = r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?| \d{2}:\d{2}:\d{2}(\.\d{1,9})?)$"
DATE_SHAPE = r"^\d{4}-\d{2}-\d{2}$"
WHITESPACE = " \t\r\n"
EXACT = "decimal(38,10)"
MONEY = "decimal(18,2)"


def text(col: str | Column) -> Column:
    """Trimmed string; an empty (or blank) string is missing (null)."""
    trimmed = F.btrim(F.col(col) if isinstance(col, str) else col, F.lit(WHITESPACE))
    return F.when(trimmed != "", trimmed)


def number(col: str | Column) -> Column:
    """Exact decimal of a JSON number or numeric string; null when missing or non-numeric."""
    value = text(col)
    return F.when(value.rlike(NUMBER), value.cast(EXACT))


def money(amount: Column) -> Column:
    """Round half up to cents (Spark's ``round`` on decimals is HALF_UP, not banker's)."""
    return F.round(amount, 2).cast(MONEY)


def utc_timestamp(col: str | Column) -> Column:
    """UTC timestamp of an accepted layout (fraction kept to microseconds), else null.

    The regex admits only the spec's shapes (Spark's cast alone would also take a bare
    date or a missing seconds field); Spark's own timestamp cast then reads the instant
    and its zone (``Z``, ``+HH:MM``, ``+HHMM``; none = the session zone, UTC) and turns
    impossible values (month 13, Feb 30, +99:00) into null.
    """
    value = text(col)
    return F.when(value.rlike(TIMESTAMP_SHAPE), value.cast("timestamp"))


def iso_date(col: str | Column) -> Column:
    """Date of a ``YYYY-MM-DD`` string (a real calendar day), else null."""
    value = text(col)
    return F.when(value.rlike(DATE_SHAPE), F.to_date(value, "yyyy-MM-dd"))


def rate_lookup(rates: Mapping[str, Decimal], currency: Column) -> Column:
    """Rate to USD of ``currency`` from the reference rates; null for an unknown currency."""
    pairs = [item for code, rate in sorted(rates.items()) for item in (F.lit(code), F.lit(rate).cast("decimal(18,6)"))]
    return F.element_at(F.create_map(*pairs), currency)


def to_usd(amount: Column, rate: Column) -> Column:
    return money(amount * rate)


def first_reason(*rules: tuple[Column, str]) -> Column:
    """The reason of the first rule whose condition holds (null = the record is valid)."""
    return F.coalesce(*[F.when(F.coalesce(condition, F.lit(False)), F.lit(reason)) for condition, reason in rules])


def json_object_fields(df: DataFrame, fields: tuple[str, ...]) -> DataFrame:
    """Add ``is_object`` and one raw-text column ``f_<field>`` per field of the record's JSON.

    Every field is read as text, so ``2``, ``"2"`` and ``2.0`` all arrive and are normalised
    later. A record is an object only if it is strict JSON (RFC 8259: one value and
    nothing after it, double quotes, no NaN, valid UTF-8; :mod:`spark_jobs.strict_json`),
    that value is an object, and Spark parses it without a corrupt-record marker.
    """
    schema = StructType([StructField(f, StringType()) for f in fields] + [StructField("_corrupt", StringType())])
    options = {**STRICT_JSON, "columnNameOfCorruptRecord": "_corrupt"}
    parsed = F.when(is_strict_json(F.col("raw")), F.from_json("raw", schema, options))
    out = df.withColumn("_json", parsed)
    is_object = (F.col("_json").isNotNull() & F.col("_json._corrupt").isNull()
                 & F.coalesce(F.col("raw").rlike(r"^\s*\{"), F.lit(False)))
    out = out.withColumn("is_object", F.coalesce(is_object, F.lit(False)))
    return out.select("*", *[F.col(f"_json.{f}").alias(f"f_{f}") for f in fields]).drop("_json")
