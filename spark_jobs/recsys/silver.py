"""Bronze → silver for ingest dates: typed actions and impression deliveries.

Every bronze record ends in exactly one place: ``silver.recsys_actions`` (duplicates
kept: repeats carry signal), ``silver.recsys_impressions`` (every valid delivery; gold
picks the winner per (dt, ranking_id)) or ``quarantine.records`` with a reason. Each
table's ingest-date slice mirrors the bronze slice, so re-running a day changes nothing;
a range of dates is one batch (one read, one commit per table) with the same slices.
``silver.recsys_action_changes`` records which customers' actions the slice touched and
from which date, ``silver.recsys_impression_changes`` which carousels (old and new
versions of the slice alike): the history and gold stages recompute exactly those.

A change list is computed from the slice as it was before the run, so it is committed
before the slice, and it only grows: the rows an earlier run committed are kept. A run
killed after the slice committed sees old = new on its retry; without the kept rows the
customers and carousels the re-delivery removed would never be recomputed, and their
old actions and rankings would stay in histories and training input. A row too many
only makes the history and gold stages recompute something to the same value.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timezone

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from spark_jobs.config import Settings
from spark_jobs.frames import union_all
from spark_jobs.ingest_dates import dates_between, in_dates, rows_per_date
from spark_jobs.merge import mirror, write_rows
from spark_jobs.quarantine import quarantine, split
from spark_jobs.recsys.parse import ACTION_TYPES, parse_actions, parse_impressions
from spark_jobs.recsys.tables import ACTION_CHANGES, ACTIONS, IMPRESSION_CHANGES, IMPRESSIONS
from spark_jobs.run_log import RunRecord, write_run_log

ACTION_KEY = ("source", "ingest_date", "source_file", "record_number")
ACTION_COLUMNS = ("customer_id", "action_ts", "action_type", "item_id", "action_date") + ACTION_KEY
DELIVERY_KEY = ("ingest_date", "source_file", "record_number")
RUNS_ONCE_PER_RANGE = True   # a range of ingest dates is one batch


def bronze_slice(spark: SparkSession, source: str, days: Sequence[date]) -> DataFrame:
    return spark.table(f"bronze.recsys_{source}").where(in_dates(days))


def touched_customers(old: DataFrame, new: DataFrame) -> DataFrame:
    """Per ingest date, customers whose actions of the slice appear, change or vanish, with
    the earliest action date involved: their history must be recomputed from that date on."""
    columns = ("ingest_date", "customer_id", "action_date")
    both = old.select(*columns).unionByName(new.select(*columns))
    return both.groupBy("ingest_date", "customer_id").agg(F.min("action_date").alias("from_date"))


def with_held_changes(spark: SparkSession, table: str, changes: DataFrame, days: Sequence[date],
                      keys: tuple[str, ...]) -> DataFrame:
    """``changes`` joined with the rows the ingest dates' change lists already hold; for
    actions, a customer's earliest ``from_date`` of both."""
    held = spark.table(table).where(in_dates(days)).select(*changes.columns)
    both = changes.unionByName(held)
    if "from_date" in changes.columns:
        return both.groupBy(*keys).agg(F.min("from_date").alias("from_date"))
    return both.distinct()


def load_actions(spark: SparkSession, days: Sequence[date]) -> list[RunRecord]:
    """Parse the dates' clicks, carts and orders into the action table's slices."""
    started = datetime.now(timezone.utc).replace(tzinfo=None)
    parsed = {s: parse_actions(bronze_slice(spark, s, days), s).cache() for s in ACTION_TYPES}
    new = union_all(split(rows)[0].select(*ACTION_COLUMNS) for rows in parsed.values())
    old = spark.table(ACTIONS).where(in_dates(days))
    changes = with_held_changes(spark, ACTION_CHANGES, touched_customers(old, new), days,
                                ("ingest_date", "customer_id"))
    # Changes first: they need the slices as they were before this run (see above).
    day = {"ingest_date": tuple(days)}
    write_rows(changes.localCheckpoint(), mirror(ACTION_CHANGES, ("ingest_date", "customer_id"), day, ("from_date",)))
    write_rows(new, mirror(ACTIONS, ACTION_KEY, day, ACTION_COLUMNS[:5]))
    quarantine({source: split(rows)[1] for source, rows in parsed.items()}, "recsys", days)
    read = {s: rows_per_date(rows) for s, rows in parsed.items()}
    for rows in parsed.values():
        rows.unpersist()
    return reconcile(spark, days, read, ACTIONS, started)


def load_impressions(spark: SparkSession, days: Sequence[date]) -> list[RunRecord]:
    """Store the dates' valid impression deliveries; gold picks the winners."""
    started = datetime.now(timezone.utc).replace(tzinfo=None)
    parsed = parse_impressions(bronze_slice(spark, "impressions", days)).cache()
    valid, rejected = split(parsed)
    columns = ("dt", "ranking_id", "customer_id", "impressions") + DELIVERY_KEY
    carousel = ("ingest_date", "dt", "ranking_id")
    old = spark.table(IMPRESSIONS).where(in_dates(days)).select(*carousel)
    touched = old.unionByName(valid.select(*carousel)).distinct()
    day = {"ingest_date": tuple(days)}
    touched = with_held_changes(spark, IMPRESSION_CHANGES, touched, days, carousel)
    write_rows(touched.localCheckpoint(), mirror(IMPRESSION_CHANGES, ("ingest_date", "dt", "ranking_id"), day, ("dt",)))
    write_rows(valid.select(*columns), mirror(IMPRESSIONS, DELIVERY_KEY, day, columns[:4]))
    quarantine({"impressions": rejected}, "recsys", days)
    records = reconcile(spark, days, {"impressions": rows_per_date(parsed)}, IMPRESSIONS, started)
    parsed.unpersist()
    return records


def reconcile(spark, days: Sequence[date], read: dict[str, dict[date, int]], table: str,
              started) -> list[RunRecord]:
    """Bronze records read vs. where they ended: silver rows plus quarantined records, per
    source and ingest date."""
    stored = _counts(spark.table(table).where(in_dates(days)))
    quarantined = _counts(spark.table("quarantine.records").where((F.col("domain") == "recsys") & in_dates(days)))
    return [RunRecord("recsys", "silver", source, day, 0, per_day.get(day, 0),
                      stored.get((source, day), 0) + quarantined.get((source, day), 0), started)
            for source, per_day in read.items() for day in days]


def _counts(rows: DataFrame) -> dict[tuple[str, date], int]:
    by = "source" if "source" in rows.columns else F.lit("impressions").alias("source")
    return {(r[0], r[1]): r[2] for r in rows.groupBy(by, "ingest_date").count().collect()}


def run(spark: SparkSession, settings: Settings, ingest_date: date, first_date: date | None = None) -> None:
    """Silver for the ingest dates ``first_date`` (default ``ingest_date``) .. ``ingest_date``."""
    days = dates_between(first_date or ingest_date, ingest_date)
    records = load_actions(spark, days) + load_impressions(spark, days)
    write_run_log(spark, records)
    for r in sorted(records, key=lambda r: (r.ingest_date, r.source)):
        print(f"silver recsys.{r.source:<16} {r.ingest_date}  bronze={r.records_read}  "
              f"silver+quarantine={r.rows_in_table}  reconciled={r.reconciled}")
