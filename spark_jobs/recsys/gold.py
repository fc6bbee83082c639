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
from spark_jobs.recsys.write import replace_rows

TRAINING_INPUT, IMPRESSIONS, CHANGES = "gold.training_input", "silver.recsys_impressions", "silver.recsys_action_changes"
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


def build(spark: SparkSession, deliveries: DataFrame, lookback: int) -> DataFrame:
    """Training rows of the winning deliveries among ``deliveries``."""
    won = winners(deliveries).where(F.size("impressions") > 0).cache()
    wanted = won.select("customer_id", "dt").distinct()
    return training_rows(won, history_of(spark.table(STATE), wanted, lookback))


def keys_to_build(spark: SparkSession, ingest_date: date) -> DataFrame:
    """(dt, ranking_id) delivered on the ingest date, or shown after a date from which
    the ingest date changed the customer's actions."""
    all_deliveries = spark.table(IMPRESSIONS)
    delivered = all_deliveries.where(F.col("ingest_date") == F.lit(ingest_date)).select("dt", "ranking_id")
    changes = spark.table(CHANGES).where(F.col("ingest_date") == F.lit(ingest_date))
    affected = (all_deliveries.join(changes.select("customer_id", "from_date"), "customer_id")
                .where(F.col("dt") > F.col("from_date")).select("dt", "ranking_id"))
    return delivered.unionByName(affected).distinct()


def ensure_write_order(spark: SparkSession) -> None:
    """Rows of one carousel share a history: stored side by side they compress to ~one copy."""
    props = {r[0]: r[1] for r in spark.sql(f"SHOW TBLPROPERTIES {TRAINING_INPUT}").collect()}
    if "customer_id" not in props.get("sort-order", ""):
        spark.sql(f"ALTER TABLE {TRAINING_INPUT} WRITE ORDERED BY {WRITE_ORDER}")


def run(spark: SparkSession, settings: Settings, ingest_date: date) -> None:
    ensure_write_order(spark)
    keys = keys_to_build(spark, ingest_date).cache()
    dts = sorted(r.dt for r in keys.select("dt").distinct().collect())
    if not dts:
        print(f"gold recsys {ingest_date}  nothing to build")
        return
    deliveries = spark.table(IMPRESSIONS).join(keys, ["dt", "ranking_id"])
    rows = build(spark, deliveries, lookback_days())
    stale = spark.table(TRAINING_INPUT).join(keys, ["dt", "ranking_id"]).select(*KEY)
    prune = "t.dt IN (" + ", ".join(f"DATE'{d.isoformat()}'" for d in dts) + ")"
    replace_rows(rows.select(*spark.table(TRAINING_INPUT).columns), stale, TRAINING_INPUT, KEY, prune=prune)
    print(f"gold recsys {ingest_date}  rankings rebuilt={keys.count()}  dts={len(dts)}")
    keys.unpersist()
