"""Bronze subscription elements → typed subscriptions with a quarantine ``reason``.

Each bronze row is one element of a file's JSON array; record 0 is a whole file that was
not a JSON array (bronze keeps it as one record), which is ``invalid_json`` like an
element that is not an object.
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from spark_jobs.quarantine import with_landing_problem
from spark_jobs.subscriptions.normalise import (
    first_reason, iso_date, json_object_fields, money, number, rate_lookup, text, to_usd, utc_timestamp,
)

STATUSES = ("active", "canceled")
FIELDS = ("subscription_id", "user_id", "plan_id", "price", "currency", "start_date", "end_date", "status",
          "created_at")
SUBSCRIPTION_COLUMNS = ("subscription_id", "user_id", "plan_id", "price", "currency", "price_usd", "start_date",
                        "end_date", "status", "created_at", "ingest_date", "source_file", "record_number")


def normalise_subscriptions(fields: DataFrame, rates: Mapping[str, Decimal]) -> DataFrame:
    """Typed columns; ``end_date_given`` remembers that an end date was present (so an
    unreadable one is an error while a missing one means open-ended)."""
    currency = F.coalesce(F.upper(text("f_currency")), F.lit("USD"))
    out = fields.select(
        "*",
        text("f_subscription_id").alias("subscription_id"),
        text("f_user_id").alias("user_id"),
        text("f_plan_id").alias("plan_id"),
        number("f_price").alias("price_exact"),
        currency.alias("currency"),
        rate_lookup(rates, currency).alias("rate"),
        iso_date("f_start_date").alias("start_date"),
        iso_date("f_end_date").alias("end_date"),
        text("f_end_date").isNotNull().alias("end_date_given"),
        F.lower(text("f_status")).alias("status"),
        utc_timestamp("f_created_at").alias("created_at"),
    )
    return (out.withColumn("price", money(F.col("price_exact")))
            .withColumn("price_usd", to_usd(F.col("price_exact"), F.col("rate"))))


def subscription_reason() -> Column:
    """The first quarantine rule a subscription breaks, in the spec's order."""
    bad_date = (F.col("start_date").isNull() | F.col("created_at").isNull()
                | (F.col("end_date_given") & F.col("end_date").isNull()))
    price = F.col("price_exact")
    return first_reason(
        (~F.col("is_object") | (F.col("record_number") == 0), "invalid_json"),
        (F.col("subscription_id").isNull(), "missing_subscription_id"),
        (F.col("user_id").isNull(), "missing_user_id"),
        (bad_date, "invalid_date"),
        (~F.coalesce(F.col("status").isin(*STATUSES), F.lit(False)), "invalid_status"),
        (F.col("end_date") < F.col("start_date"), "end_before_start"),
        ((F.col("status") == "canceled") & F.col("end_date").isNull(), "canceled_without_end_date"),
        (price.isNull() | (price < 0) | F.col("price").isNull(), "invalid_price"),
        (F.col("rate").isNull(), "unknown_currency"),
    )


def parse_subscriptions(bronze: DataFrame, rates: Mapping[str, Decimal]) -> DataFrame:
    """Bronze rows → SUBSCRIPTION_COLUMNS + raw + reason."""
    normalised = normalise_subscriptions(json_object_fields(bronze, FIELDS), rates)
    return normalised.withColumn("reason", with_landing_problem(bronze, subscription_reason())).select(*SUBSCRIPTION_COLUMNS, "raw", "reason")
