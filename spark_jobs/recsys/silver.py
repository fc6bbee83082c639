"""Bronze → silver for one ingest date: typed actions and impression deliveries.

Every bronze record ends in exactly one place: ``silver.recsys_actions`` (duplicates
kept: repeats carry signal), ``silver.recsys_impressions`` (every valid delivery; gold
picks the winner per (dt, ranking_id)) or ``quarantine.records`` with a reason. Each
table's ingest-date slice mirrors the bronze slice, so re-running a day changes nothing.
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

from datetime import date, datetime, timezone

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from spark_jobs.config import Settings
from spark_jobs.frames import union_all
from spark_jobs.merge import mirror, write_rows
from spark_jobs.quarantine import quarantine, split
from spark_jobs.recsys.parse import ACTION_TYPES, parse_actions, parse_impressions
from spark_jobs.recsys.tables import ACTION_CHANGES, ACTIONS, IMPRESSION_CHANGES, IMPRESSIONS
from spark_jobs.run_log import RunRecord, write_run_log

ACTION_KEY = ("source", "ingest_date", "source_file", "record_number")
ACTION_COLUMNS = ("customer_id", "action_ts", "action_type", "item_id", "action_date") + ACTION_KEY
DELIVERY_KEY = ("ingest_date", "source_file", "record_number")


def bronze_slice(spark: SparkSession, source: str, ingest_date: date) -> DataFrame:
    return spark.table(f"bronze.recsys_{source}").where(F.col("ingest_date") == F.lit(ingest_date))


def touched_customers(old: DataFrame, new: DataFrame) -> DataFrame:
    """Customers whose actions of the slice appear, change or vanish, with the earliest
    action date involved: their history must be recomputed from that date on."""
    both = old.select("customer_id", "action_date").unionByName(new.select("customer_id", "action_date"))
    return both.groupBy("customer_id").agg(F.min("action_date").alias("from_date"))


def with_held_changes(spark: SparkSession, table: str, changes: DataFrame, ingest_date: date,
                      keys: tuple[str, ...]) -> DataFrame:
    """``changes`` joined with the rows the ingest date's change list already holds; for
    actions, a customer's earliest ``from_date`` of both."""
    held = spark.table(table).where(F.col("ingest_date") == F.lit(ingest_date)).select(*changes.columns)
    both = changes.unionByName(held)
    if "from_date" in changes.columns:
        return both.groupBy(*keys).agg(F.min("from_date").alias("from_date"))
    return both.distinct()


def load_actions(spark: SparkSession, ingest_date: date) -> list[RunRecord]:
    """Parse the day's clicks, carts and orders into one action table slice."""
    started = datetime.now(timezone.utc).replace(tzinfo=None)
    parsed = {s: parse_actions(bronze_slice(spark, s, ingest_date), s).cache() for s in ACTION_TYPES}
    new = union_all(split(rows)[0].select(*ACTION_COLUMNS) for rows in parsed.values())
    old = spark.table(ACTIONS).where(F.col("ingest_date") == F.lit(ingest_date))
    changes = touched_customers(old, new).select(F.lit(ingest_date).alias("ingest_date"), "customer_id", "from_date")
    changes = with_held_changes(spark, ACTION_CHANGES, changes, ingest_date, ("ingest_date", "customer_id"))
    # Changes first: they need the slice as it was before this run (see above).
    day = {"ingest_date": ingest_date}
    write_rows(changes.localCheckpoint(), mirror(ACTION_CHANGES, ("ingest_date", "customer_id"), day, ("from_date",)))
    write_rows(new, mirror(ACTIONS, ACTION_KEY, day, ACTION_COLUMNS[:5]))
    quarantine({source: split(rows)[1] for source, rows in parsed.items()}, "recsys", ingest_date)
    read = {s: rows.count() for s, rows in parsed.items()}
    for rows in parsed.values():
        rows.unpersist()
    return reconcile(spark, ingest_date, read, ACTIONS, started)


def load_impressions(spark: SparkSession, ingest_date: date) -> list[RunRecord]:
    """Store the day's valid impression deliveries; gold picks the winners."""
    started = datetime.now(timezone.utc).replace(tzinfo=None)
    parsed = parse_impressions(bronze_slice(spark, "impressions", ingest_date)).cache()
    valid, rejected = split(parsed)
    columns = ("dt", "ranking_id", "customer_id", "impressions") + DELIVERY_KEY
    old = spark.table(IMPRESSIONS).where(F.col("ingest_date") == F.lit(ingest_date)).select("dt", "ranking_id")
    touched = old.unionByName(valid.select("dt", "ranking_id")).distinct()
    day = {"ingest_date": ingest_date}
    touched = with_held_changes(spark, IMPRESSION_CHANGES,
                                touched.select(F.lit(ingest_date).alias("ingest_date"), "dt", "ranking_id"),
                                ingest_date, ("ingest_date", "dt", "ranking_id"))
    write_rows(touched.localCheckpoint(), mirror(IMPRESSION_CHANGES, ("ingest_date", "dt", "ranking_id"), day, ("dt",)))
    write_rows(valid.select(*columns), mirror(IMPRESSIONS, DELIVERY_KEY, day, columns[:4]))
    quarantine({"impressions": rejected}, "recsys", ingest_date)
    records = reconcile(spark, ingest_date, {"impressions": parsed.count()}, IMPRESSIONS, started)
    parsed.unpersist()
    return records


def reconcile(spark, ingest_date: date, read: dict[str, int], table: str, started) -> list[RunRecord]:
    """Bronze records read vs. where they ended: silver rows plus quarantined records, per source."""
    stored = _counts(spark.table(table).where(F.col("ingest_date") == F.lit(ingest_date)), table)
    quarantined = _counts(spark.table("quarantine.records").where(
        (F.col("domain") == "recsys") & (F.col("ingest_date") == F.lit(ingest_date))), "quarantine")
    return [RunRecord("recsys", "silver", source, ingest_date, 0, n,
                      stored.get(source, 0) + quarantined.get(source, 0), started) for source, n in read.items()]


def _counts(rows: DataFrame, table: str) -> dict[str, int]:
    by = "source" if "source" in rows.columns else F.lit("impressions").alias("source")
    return {r[0]: r[1] for r in rows.groupBy(by).count().collect()}


def run(spark: SparkSession, settings: Settings, ingest_date: date) -> None:
    records = load_actions(spark, ingest_date) + load_impressions(spark, ingest_date)
    write_run_log(spark, records)
    for r in records:
        print(f"silver recsys.{r.source:<16} {ingest_date}  bronze={r.records_read}  "
              f"silver+quarantine={r.rows_in_table}  reconciled={r.reconciled}")
