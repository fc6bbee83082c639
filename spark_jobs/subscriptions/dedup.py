"""Winner selection, exact duplicates and conflicts — pure DataFrame → DataFrame.

Dedup works on *versions*: distinct valid records per key and ingest date. Because the
winner is the greatest version by a fixed order over all versions ever received, the
result is the same whatever order the ingest dates are processed in, and re-running a
day (which replaces that day's versions) gives the same answer again.
"""
from __future__ import annotations

from collections.abc import Sequence

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from spark_jobs.subscriptions.parse_events import EVENT_COLUMNS

# Greatest wins, nulls lowest; payload_hash only breaks ties the spec leaves open.
EVENT_ORDER = ("schema_version", "ingest_date", "event_ts", "amount", "currency", "user_id", "event_type",
               "payload_hash")
SUBSCRIPTION_ORDER = ("ingest_date", "created_at", "is_canceled", "end_date", "price_usd", "plan_id",
                      "start_date", "user_id", "price", "currency", "source_file", "record_number")
# Within one ingest date the last valid row in file order wins.
SPEND_ORDER = ("ingest_date", "source_file", "record_number")


def descending(columns: Sequence[str]) -> list[Column]:
    return [F.col(c).desc_nulls_last() for c in columns]


def event_versions(rows: DataFrame) -> DataFrame:
    """One row per (event_id, payload_hash, ingest_date) with the number of copies received.

    ``rows`` are single records (``copies`` = 1) and/or stored versions (their own
    ``copies``). Copies of one version share every normalised field; the first copy in
    file order (file name, then line) is the one kept, with the copies summed. A window
    rather than a grouping: rows clustered by ``event_id`` (see :func:`resolve_day`)
    need no further shuffle for this step or for :func:`resolve_events`.
    """
    in_file_order = Window.partitionBy("event_id", "payload_hash", "ingest_date").orderBy(
        "source_file", "record_number")
    whole_version = in_file_order.rowsBetween(Window.unboundedPreceding, Window.unboundedFollowing)
    return (rows.withColumn("_copy", F.row_number().over(in_file_order))
            .withColumn("copies", F.sum("copies").over(whole_version))
            .where(F.col("_copy") == 1).select(*EVENT_COLUMNS, "copies"))


def resolve_events(versions: DataFrame, within: Sequence[str] = ()) -> DataFrame:
    """Every version with its ``role`` (winner | duplicate | conflict), the exact duplicate
    copies it contributes (``duplicates``) and its event's total ``duplicate_count``.

    A version with the winner's payload on another ingest date is an exact duplicate; a
    different payload is a conflict (one per ingest date, extra copies are duplicates).
    ``within``: columns that split the versions into separate worlds, each resolved on
    its own (the versions as they stood on several dates at once).
    """
    by_event = Window.partitionBy(*within, "event_id")
    ranked = versions.withColumn("_rank", F.row_number().over(by_event.orderBy(*descending(EVENT_ORDER))))
    winner_hash = F.max(F.when(F.col("_rank") == 1, F.col("payload_hash"))).over(by_event)
    role = (F.when(F.col("_rank") == 1, "winner")
            .when(F.col("payload_hash") == winner_hash, "duplicate").otherwise("conflict"))
    with_role = ranked.withColumn("role", role).withColumn(
        "duplicates", F.when(F.col("role") == "duplicate", F.col("copies")).otherwise(F.col("copies") - 1))
    return with_role.withColumn("duplicate_count", F.sum("duplicates").over(by_event)).drop("_rank")


def resolve_day(records: DataFrame, stored_versions: DataFrame) -> DataFrame:
    """:func:`resolve_events` over the day's valid records (one row per copy) and the
    stored versions of other days of the same events, with one shuffle by event_id."""
    copies = records.select(*EVENT_COLUMNS, F.lit(1).cast("long").alias("copies"))
    rows = copies.unionByName(stored_versions.select(*EVENT_COLUMNS, "copies")).repartition("event_id")
    return resolve_events(event_versions(rows))


def event_winners(resolved: DataFrame) -> DataFrame:
    """silver.events rows: the winning version of each event with its duplicate count."""
    return resolved.where(F.col("role") == "winner").select(*EVENT_COLUMNS, "duplicate_count")


def event_conflicts(resolved: DataFrame) -> DataFrame:
    """silver.event_conflicts rows: every losing version with a payload unlike the winner's."""
    return resolved.where(F.col("role") == "conflict").select(*EVENT_COLUMNS, "copies")


def greatest_per_key(rows: DataFrame, keys: Sequence[str], order: Sequence[str]) -> DataFrame:
    """The greatest row of each key by ``order`` (nulls lowest)."""
    window = Window.partitionBy(*keys).orderBy(*descending(order))
    return rows.withColumn("_rank", F.row_number().over(window)).where(F.col("_rank") == 1).drop("_rank")


def with_canceled_flag(subscriptions: DataFrame) -> DataFrame:
    return subscriptions.withColumn("is_canceled", F.col("status") == "canceled")


def subscription_winners(subscriptions: DataFrame, within: Sequence[str] = ()) -> DataFrame:
    """Greatest (ingest_date, created_at, status = 'canceled', end_date, price_usd, plan_id)
    per subscription_id (and ``within`` columns, e.g. per ingest date); the remaining fields
    and file position only break exact ties."""
    best = greatest_per_key(with_canceled_flag(subscriptions), (*within, "subscription_id"), SUBSCRIPTION_ORDER)
    return best.drop("is_canceled")


def spend_winners(spend: DataFrame, within: Sequence[str] = ()) -> DataFrame:
    """Per (spend_date, channel) (and ``within`` columns): the latest ingest date, then the
    last row in file order."""
    return greatest_per_key(spend, (*within, "spend_date", "channel"), SPEND_ORDER)
