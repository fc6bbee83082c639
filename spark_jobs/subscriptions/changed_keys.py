"""``ops.changed_keys``: the gold keys touched by each ingest date of the subscriptions domain.

For every key present in the day's records, the keys of EVERY known version of it (the
winner and every other version: its event_date, user_id, month, channel), plus, for a
refund, the date, month and user of the purchase it refers to (refunds are booked on the
purchase). Computed from the day's records and the stored versions — not from what this
run happened to change — so a retry after a failure between silver and gold still hands
gold the full set. Months are spelt as their first day (``YYYY-MM-01``). A run over several ingest dates
gives each date the keys of every version of the records it holds.

The versions the day held on its previous run and no longer has count as versions of it:
a record removed by a re-delivered file takes its user, dates and cohort out of gold.
A day's slice only grows: keys an earlier run committed stay (a run killed after its
silver writes cannot compute them again — the removed versions are gone by then), and a
key too many only makes gold recompute a row to the same value. For a signup the week
of its date is a key too (``cohort_week``): a removed first signup moves its user out of
that cohort, which no remaining version names.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from spark_jobs.frames import union_all
from spark_jobs.ingest_dates import in_dates
from spark_jobs.key_lookup import rows_of_keys
from spark_jobs.merge import mirror, write_rows

CHANGED_KEYS = "ops.changed_keys"
KEY_COLUMNS = ("domain", "ingest_date", "key_type", "key_value")


def month(column: str) -> Column:
    return F.date_format(F.trunc(F.col(column), "MM"), "yyyy-MM-dd")


def key_rows(frame: DataFrame, keys: list[tuple[str, Column]], carry: Sequence[str] = ()) -> DataFrame:
    """(key_type, key_value) rows, nulls dropped: every key type of a row in one pass;
    ``carry``: columns kept beside them (the record key the keys belong to)."""
    pairs = [F.struct(F.lit(key_type).alias("key_type"), value.cast("string").alias("key_value"))
             for key_type, value in keys]
    return frame.select(*carry, F.inline(F.array(*pairs))).where(F.col("key_value").isNotNull())


def event_keys(versions: DataFrame, silver_events: DataFrame) -> DataFrame:
    """Keys of every version of the events, and of the purchases their refunds name, each
    with the ``event_id`` it belongs to."""
    own = key_rows(versions, [("event_date", F.col("event_date")), ("user_id", F.col("user_id")),
                              ("month", month("event_date")), ("channel", F.col("acquisition_channel")),
                              ("cohort_week", F.when(F.col("event_type") == "signup",
                                                     F.trunc(F.col("event_date"), "week")))], carry=("event_id",))
    refunds = versions.where(F.col("event_type") == "refund").select("event_id", "refers_to_event_id")
    named = refunds.select(F.col("refers_to_event_id").alias("event_id"))
    # Only the files that can hold the named purchases are read (``versions`` must be
    # materialised: the lookup reads it twice).
    purchases = rows_of_keys(silver_events.where(F.col("event_type") == "purchase"), named, ["event_id"])
    booked = refunds.join(purchases.select(F.col("event_id").alias("refers_to_event_id"), "event_date", "user_id"),
                          "refers_to_event_id")
    return own.unionByName(key_rows(booked, [("event_date", F.col("event_date")), ("user_id", F.col("user_id")),
                                             ("month", month("event_date"))], carry=("event_id",)))


def subscription_keys(versions: DataFrame) -> DataFrame:
    return key_rows(versions, [("user_id", F.col("user_id")), ("month", month("start_date")),
                               ("month", month("end_date"))], carry=("subscription_id",))


def spend_keys(versions: DataFrame) -> DataFrame:
    return key_rows(versions, [("spend_date", F.col("spend_date")), ("channel", F.col("channel")),
                               ("month", month("spend_date"))], carry=("spend_date", "channel"))


def of_dates(keys: DataFrame, versions: DataFrame, record_key: Sequence[str], days: Sequence[date]) -> DataFrame:
    """(ingest_date, key_type, key_value): the ``keys`` of each record (``record_key``) given
    to every one of ``days`` on which a version of it arrived (``versions``)."""
    received = versions.where(in_dates(days)).select(*record_key, "ingest_date").distinct()
    return keys.join(received, list(record_key)).select("ingest_date", "key_type", "key_value")


def write_changed_keys(domain: str, days: Sequence[date], keys: list[DataFrame]) -> None:
    """Make the (domain, ingest_date) slices of ``days`` the distinct union of ``keys``
    (ingest_date, key_type, key_value) and the keys they already hold (see above: a slice
    only grows)."""
    spark = keys[0].sparkSession
    in_slices = (F.col("domain") == domain) & in_dates(days)
    held = spark.table(CHANGED_KEYS).where(in_slices).select("ingest_date", "key_type", "key_value")
    # Materialised once: the slice write compares and then appends the rows.
    rows = union_all([*keys, held]).distinct().select(
        F.lit(domain).alias("domain"), "ingest_date", "key_type", "key_value").localCheckpoint()
    write_rows(rows, mirror(CHANGED_KEYS, KEY_COLUMNS, {"domain": domain, "ingest_date": tuple(days)}, compare=()))
