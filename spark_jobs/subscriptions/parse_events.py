"""Bronze event lines → typed, normalised events with a quarantine ``reason`` (null = valid).

One bronze row in, one row out: nothing is dropped here. The normalised payload (the
fields that decide whether two records are the same event) is hashed into
``payload_hash``; unknown extra fields are ignored and take no part in it.
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from spark_jobs.quarantine import with_landing_problem
from spark_jobs.subscriptions.normalise import (
    first_reason, json_object_fields, money, number, rate_lookup, text, to_usd, utc_timestamp,
)

EVENT_TYPES = ("signup", "login", "page_view", "purchase", "refund", "trial_start", "trial_convert", "cancel")
MONEY_TYPES = ("purchase", "refund")
FIELDS = ("event_id", "user_id", "event_type", "timestamp", "schema_version", "amount", "currency", "tax",
          "refers_to_event_id", "acquisition_channel")
PAYLOAD = ("event_id", "user_id", "event_type", "event_ts", "schema_version", "amount", "currency", "tax",
           "refers_to_event_id", "acquisition_channel")
EVENT_COLUMNS = ("event_id", "user_id", "event_type", "event_ts", "event_date", "schema_version", "amount",
                 "currency", "amount_usd", "tax", "refers_to_event_id", "acquisition_channel", "payload_hash",
                 "ingest_date", "source_file", "record_number")


def normalise_events(fields: DataFrame, rates: Mapping[str, Decimal]) -> DataFrame:
    """Typed columns per the spec: money fields only for purchase/refund, the channel only
    for signup (missing = 'unknown'), currency upper-case with missing = USD."""
    event_type = F.lower(text("f_event_type"))
    is_money = event_type.isin(*MONEY_TYPES)
    currency = F.when(is_money, F.coalesce(F.upper(text("f_currency")), F.lit("USD")))
    schema_version = number("f_schema_version")
    out = fields.select(
        "*",
        text("f_event_id").alias("event_id"),
        text("f_user_id").alias("user_id"),
        event_type.alias("event_type"),
        utc_timestamp("f_timestamp").alias("event_ts"),
        F.when(schema_version.isin(1, 2), schema_version.cast("int")).alias("schema_version"),
        number("f_amount").alias("amount_exact"),
        currency.alias("currency"),
        rate_lookup(rates, currency).alias("rate"),
        F.when(is_money, money(number("f_tax"))).alias("tax"),
        F.when(event_type == "refund", text("f_refers_to_event_id")).alias("refers_to_event_id"),
        F.when(event_type == "signup", F.coalesce(F.lower(text("f_acquisition_channel")), F.lit("unknown")))
         .alias("acquisition_channel"),
    )
    is_money_event = F.col("event_type").isin(*MONEY_TYPES)
    # USD from the amount as received (spec: round(amount × rate, 2)); converting the
    # cent-rounded amount would round twice (0.125 CAD → 0.10 instead of 0.09).
    return (out.withColumn("amount", F.when(is_money_event, money(F.col("amount_exact"))))
            .withColumn("amount_usd", F.when(is_money_event, to_usd(F.col("amount_exact"), F.col("rate"))))
            .withColumn("event_date", F.to_date("event_ts")))


def event_reason() -> Column:
    """The first quarantine rule a record breaks, in the spec's order."""
    is_money = F.col("event_type").isin(*MONEY_TYPES)
    amount = F.col("amount_exact")
    return first_reason(
        (~F.col("is_object"), "invalid_json"),
        (F.col("event_id").isNull(), "missing_event_id"),
        (~F.coalesce(F.col("event_type").isin(*EVENT_TYPES), F.lit(False)), "unknown_event_type"),
        (F.col("event_ts").isNull(), "invalid_timestamp"),
        (F.col("user_id").isNull(), "missing_user_id"),
        (F.col("schema_version").isNull(), "invalid_schema_version"),
        (is_money & (amount.isNull() | (amount < 0) | F.col("amount").isNull()), "invalid_amount"),
        (is_money & F.col("rate").isNull(), "unknown_currency"),
        ((F.col("event_type") == "refund") & F.col("refers_to_event_id").isNull(), "missing_refund_reference"),
    )


def payload_hash() -> Column:
    """Identity of the normalised payload: equal hashes = exact duplicates. The instant is
    hashed as epoch microseconds, so two spellings of one instant are the same payload."""
    fields = [F.unix_micros("event_ts").alias("event_ts") if f == "event_ts" else F.col(f) for f in PAYLOAD]
    return F.sha2(F.to_json(F.struct(*fields)), 256)


def parse_events(bronze: DataFrame, rates: Mapping[str, Decimal]) -> DataFrame:
    """Bronze rows (ingest_date, source_file, record_number, raw) → EVENT_COLUMNS + raw + reason."""
    fields = json_object_fields(bronze, FIELDS)
    normalised = normalise_events(fields, rates)
    return (normalised.withColumn("payload_hash", payload_hash())
            .withColumn("reason", with_landing_problem(bronze, event_reason()))
            .select(*EVENT_COLUMNS, "raw", "reason"))
