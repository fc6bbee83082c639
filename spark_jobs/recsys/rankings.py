"""Which carousels an ingest date asks gold to (re)build — shared by the history job,
which prepares their histories, and gold, which writes their rows."""
from __future__ import annotations

from datetime import date

from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from spark_jobs.ingest_dates import in_dates
from spark_jobs.recsys.tables import ACTION_CHANGES, IMPRESSION_CHANGES, IMPRESSIONS


def winners(deliveries: DataFrame) -> DataFrame:
    """The latest delivery of each (dt, ranking_id): later ingest date, then later file by
    name, then later line."""
    latest = Window.partitionBy("dt", "ranking_id").orderBy(
        F.col("ingest_date").desc(), F.col("source_file").desc(), F.col("record_number").desc())
    return deliveries.withColumn("_n", F.row_number().over(latest)).where("_n = 1").drop("_n")


def keys_to_build(spark: SparkSession, ingest_dates: list[date]) -> DataFrame:
    """(dt, ranking_id) the ingest dates delivered or withdrew, or shown after a date from
    which those ingest dates changed the customer's actions."""
    delivered = (spark.table(IMPRESSION_CHANGES).where(in_dates(ingest_dates))
                 .select("dt", "ranking_id"))
    changes = (spark.table(ACTION_CHANGES).where(in_dates(ingest_dates))
               .groupBy("customer_id").agg(F.min("from_date").alias("from_date")))
    affected = (spark.table(IMPRESSIONS).join(F.broadcast(changes), "customer_id")
                .where(F.col("dt") > F.col("from_date")).select("dt", "ranking_id"))
    return delivered.unionByName(affected).distinct()


def carousels(spark: SparkSession, keys: DataFrame) -> DataFrame:
    """The winning, non-empty delivery of each key: (dt, ranking_id, customer_id, impressions, ...)."""
    deliveries = spark.table(IMPRESSIONS).join(keys, ["dt", "ranking_id"])
    return winners(deliveries).where(F.size("impressions") > 0)


def carousels_to_build(spark: SparkSession, ingest_dates: list[date]) -> DataFrame:
    return carousels(spark, keys_to_build(spark, ingest_dates))
