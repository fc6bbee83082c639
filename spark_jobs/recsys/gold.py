"""``gold.training_input`` for one ingest date: the rankings it delivered and the
rankings whose customer's history it changed.

One row per element of the winning delivery of a (dt, ranking_id) — the greatest
(ingest_date, source_file, record_number) — with the customer's history before dt
(``history.history_of``), zero-padded to 1000. Rows of a rebuilt ranking that no longer
exist (a shorter or empty re-delivery) are deleted. Every impression dt is built,
whatever its distance from the run date.
"""
from __future__ import annotations

from datetime import date

from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from spark_jobs.config import Settings
from spark_jobs.recsys.history import HISTORY_SIZE, STATE, history_of, lookback_days
from spark_jobs.merge import sync_rows

TRAINING_INPUT, IMPRESSIONS = "gold.training_input", "silver.recsys_impressions"
CHANGES, IMPRESSION_CHANGES = "silver.recsys_action_changes", "silver.recsys_impression_changes"
KEY = ("dt", "ranking_id", "position")
WRITE_ORDER = "customer_id, ranking_id, position"


def winners(deliveries: DataFrame) -> DataFrame:
    """The latest delivery of each (dt, ranking_id): later ingest date, then later file by
    name, then later line."""
    latest = Window.partitionBy("dt", "ranking_id").orderBy(
        F.col("ingest_date").desc(), F.col("source_file").desc(), F.col("record_number").desc())
    return deliveries.withColumn("_n", F.row_number().over(latest)).where("_n = 1").drop("_n")


def padded(values, size: int = HISTORY_SIZE):
    return F.concat(values, F.array_repeat(F.lit(0), F.lit(size) - F.size(values)))


def training_rows(impressions: DataFrame, histories: DataFrame) -> DataFrame:
    """One row per shown item: (dt, ranking_id, customer_id, position, item_id, is_order,
    history_length, actions, action_types), arrays exactly 1000 long."""
    items = impressions.select("dt", "ranking_id", "customer_id",
                               F.posexplode("impressions").alias("position", "item"))
    rows = items.join(histories, ["customer_id", "dt"], "left")
    history = F.coalesce("history", F.array())
    return rows.select(
        "dt", "ranking_id", "customer_id", F.col("position").cast("int").alias("position"),
        F.col("item.item_id").alias("item_id"), F.col("item.is_order").alias("is_order"),
        F.size(history).alias("history_length"),
        padded(F.transform(history, lambda a: a["item"])).alias("actions"),
        padded(F.transform(history, lambda a: a["type"])).alias("action_types"))


def build(spark: SparkSession, deliveries: DataFrame, lookback: int, dts: list[date]) -> DataFrame:
    """Training rows of the winning deliveries among ``deliveries`` (shown on ``dts``)."""
    won = winners(deliveries).where(F.size("impressions") > 0)
    wanted = won.select("customer_id", "dt").distinct()
    state = spark.table(STATE).where(  # only rows a history of these days can read
        (F.col("as_of_date") >= F.date_sub(F.lit(min(dts)), lookback + 1)) & (F.col("as_of_date") < F.lit(max(dts))))
    return training_rows(won, history_of(state, wanted, lookback))


def keys_to_build(spark: SparkSession, ingest_dates: list[date]) -> DataFrame:
    """(dt, ranking_id) the ingest dates delivered or withdrew, or shown after a date from
    which those ingest dates changed the customer's actions."""
    all_deliveries = spark.table(IMPRESSIONS)
    delivered = (spark.table(IMPRESSION_CHANGES).where(F.col("ingest_date").isin(ingest_dates))
                 .select("dt", "ranking_id"))
    changes = (spark.table(CHANGES).where(F.col("ingest_date").isin(ingest_dates))
               .groupBy("customer_id").agg(F.min("from_date").alias("from_date")))
    affected = (all_deliveries.join(changes, "customer_id")
                .where(F.col("dt") > F.col("from_date")).select("dt", "ranking_id"))
    return delivered.unionByName(affected).distinct()


def ensure_write_order(spark: SparkSession) -> None:
    """Rows of one carousel share a history: stored side by side they compress to ~one copy."""
    props = {r[0]: r[1] for r in spark.sql(f"SHOW TBLPROPERTIES {TRAINING_INPUT}").collect()}
    if "customer_id" not in props.get("sort-order", ""):
        spark.sql(f"ALTER TABLE {TRAINING_INPUT} WRITE ORDERED BY {WRITE_ORDER}")


def rebuild(spark: SparkSession, keys: DataFrame, dts: list[date], lookback: int) -> None:
    """Replace the rows of ``keys`` with freshly built ones (rows that vanished are deleted)."""
    deliveries = spark.table(IMPRESSIONS).join(keys, ["dt", "ranking_id"])
    rows = build(spark, deliveries, lookback, dts)
    stale = spark.table(TRAINING_INPUT).join(keys, ["dt", "ranking_id"]).select(*KEY)
    prune = "t.dt IN (" + ", ".join(f"DATE'{d.isoformat()}'" for d in dts) + ")"
    sync_rows(rows.select(*spark.table(TRAINING_INPUT).columns), TRAINING_INPUT, KEY, stale, prune=prune)


RUNS_ONCE_PER_RANGE = True  # builds every pending date, so a range needs one build


def run(spark: SparkSession, settings: Settings, ingest_date: date, first_date: date | None = None) -> None:
    """Build on the audit branch; ``quality.publish recsys`` makes it visible. Dates whose
    earlier gold was never published (a failed gate) are rebuilt too."""
    from spark_jobs.gold import pending_dates
    from spark_jobs.quality.domains import gold_tables
    from spark_jobs.quality.wap import reset_audit, writing_to_audit

    ensure_write_order(spark)
    reset_audit(spark, gold_tables("recsys"))
    dates = pending_dates(spark, "recsys", ingest_date)
    keys = keys_to_build(spark, dates).cache()
    try:
        dts = sorted(r.dt for r in keys.select("dt").distinct().collect())
        if dts:
            with writing_to_audit(spark):
                rebuild(spark, keys, dts, lookback_days())
        print(f"gold recsys {ingest_date}  ingest dates {len(dates)}  rankings rebuilt={keys.count()}  dts={len(dts)}")
    finally:
        keys.unpersist()
