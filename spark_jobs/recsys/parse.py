"""Raw recsys records → typed rows with a quarantine ``reason`` (null = valid).

Pure DataFrame → DataFrame transforms over bronze rows (``raw`` JSON text plus its
``ingest_date, source_file, record_number``). The general reading rules apply: strings
are trimmed, an empty string is missing, ids accept JSON numbers and numeric strings,
timestamps accept the ISO-8601 layouts of the spec (a zone-less time is UTC).
"""
from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from spark_jobs.quarantine import landing_problem
from spark_jobs.strict_json import strict_from_json

TRACE = ("ingest_date", "source_file", "record_number", "raw")
ACTION_TYPES = {"clicks": 1, "add_to_carts": 2, "previous_orders": 3}
# source → (item field, time field, fallback date field)
ACTION_FIELDS = {
    "clicks": ("item_id", "click_time", "dt"),
    "add_to_carts": ("config_id", "occurred_at", "dt"),
    "previous_orders": ("config_id", "occurred_at", "order_date"),
}
_TS_LAYOUT = r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?| \d{2}:\d{2}:\d{2}(\.\d+)?)$"


def json_fields(raw: Column) -> Column:
    """The record's top-level fields as text; null unless the record is a strict JSON
    (RFC 8259, :mod:`spark_jobs.strict_json`) object."""
    return F.when(raw.rlike(r"^\s*\{"), strict_from_json(raw, "map<string,string>"))


def text(fields: Column, name: str) -> Column:
    """A field trimmed, with empty meaning missing."""
    value = F.trim(fields[name])
    return F.when(value != "", value)


def as_id(value: Column, kind: str = "bigint") -> Column:
    """An integer id from a JSON number or numeric string; anything else is null."""
    return F.when(value.rlike(r"^[+-]?\d+$"), value.cast(kind))


def as_date(value: Column) -> Column:
    """A ``YYYY-MM-DD`` date (a real calendar day), else null."""
    return F.when(value.rlike(r"^\d{4}-\d{2}-\d{2}$"), F.to_date(value, "yyyy-MM-dd"))


def as_timestamp(value: Column) -> Column:
    """A UTC timestamp from the accepted layouts, fraction kept to microseconds, else null."""
    normal = F.regexp_replace(value, " ", "T")
    normal = F.regexp_replace(normal, r"(\.\d{6})\d+", "$1")
    normal = F.regexp_replace(normal, r"([+-]\d{2})(\d{2})$", "$1:$2")
    parsed = F.to_timestamp(normal, "yyyy-MM-dd'T'HH:mm:ss[.SSSSSS][XXX]")
    return F.when(value.rlike(_TS_LAYOUT), parsed)


def _first_reason(*rules: tuple[Column, str]) -> Column:
    reason = F.lit(None).cast("string")
    for failed, name in reversed(rules):
        reason = F.when(failed, F.lit(name)).otherwise(reason)
    return reason


def parse_actions(bronze: DataFrame, source: str) -> DataFrame:
    """One action per record: customer, time (source time, else the record date 00:00),
    type (1 click, 2 cart, 3 order) and item; ``reason`` says why a record is rejected."""
    item_field, time_field, date_field = ACTION_FIELDS[source]
    fields = json_fields(F.col("raw"))
    time_text, date_text = text(fields, time_field), text(fields, date_field)
    ts = F.when(time_text.isNotNull(), as_timestamp(time_text)).otherwise(F.to_timestamp(as_date(date_text)))
    typed = bronze.select(*TRACE, fields.alias("_f"), landing_problem(bronze).alias("_problem"),
                          as_id(text(fields, "customer_id")).alias("customer_id"),
                          as_id(text(fields, item_field), "int").alias("item_id"),
                          ts.alias("action_ts"))
    reason = _first_reason((F.col("_f").isNull(), "invalid_json"),
                           (F.col("customer_id").isNull(), "missing_customer_id"),
                           (F.col("item_id").isNull(), "missing_item_id"),
                           (F.col("action_ts").isNull(), "invalid_timestamp"))
    return typed.select("customer_id", "action_ts", F.lit(ACTION_TYPES[source]).alias("action_type"), "item_id",
                        F.to_date("action_ts").alias("action_date"), F.lit(source).alias("source"),
                        *TRACE, F.coalesce("_problem", reason).alias("reason"))


def _impressions(raw: Column) -> tuple[Column, Column]:
    """(typed array or null, whether the value is a valid impressions array or missing/null)."""
    present = F.get_json_object(raw, "$.impressions").isNotNull()
    elements = F.from_json(raw, "struct<impressions: array<string>>")["impressions"]  # null unless a JSON array
    typed = F.transform(elements, lambda e: F.struct(
        as_id(F.trim(json_fields(e)["item_id"]), "int").alias("item_id"),
        F.lower(F.trim(json_fields(e)["is_order"])).cast("boolean").alias("is_order")))
    valid = ~present | (elements.isNotNull() & F.forall(typed, lambda t: t["item_id"].isNotNull()))
    return typed, valid


def parse_impressions(bronze: DataFrame) -> DataFrame:
    """One delivery per record: (dt, ranking_id, customer_id, impressions in carousel
    order); a null or empty array is valid (it removes the ranking's earlier rows)."""
    fields = json_fields(F.col("raw"))
    typed, valid_items = _impressions(F.col("raw"))
    parsed = bronze.select(*TRACE, fields.alias("_f"), landing_problem(bronze).alias("_problem"),
                           as_date(text(fields, "dt")).alias("dt"),
                           text(fields, "ranking_id").alias("ranking_id"),
                           as_id(text(fields, "customer_id")).alias("customer_id"),
                           typed.alias("impressions"), valid_items.alias("_valid_items"))
    reason = _first_reason((F.col("_f").isNull(), "invalid_json"),
                           (F.col("ranking_id").isNull(), "missing_ranking_id"),
                           (F.col("customer_id").isNull(), "missing_customer_id"),
                           (F.col("dt").isNull(), "invalid_date"),
                           (~F.col("_valid_items"), "invalid_impressions"))
    return parsed.select("dt", "ranking_id", "customer_id", "impressions", *TRACE,
                         F.coalesce("_problem", reason).alias("reason"))
