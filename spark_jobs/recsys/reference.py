"""The common, from-scratch way to build histories — the definition the incremental
state must reproduce, used by tests and ``bench/recsys.py``, and by the history job for
the rare (customer, dt) the state cannot answer (late impressions, out-of-order runs).

For every (customer, dt): all actions in [dt − lookback, dt), ``row_number()`` by
(ts desc, type desc, item asc), keep 1000, ``collect_list``. It re-reads a year of every
shown customer's actions for every day, which is what the incremental state avoids.
"""
from __future__ import annotations

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from spark_jobs.recsys.fold import ARRAYS, HISTORY_SIZE, empty, window_start
from spark_jobs.recsys.rankings import winners
from spark_jobs.recsys.training import training_rows


def history_from_scratch(actions: DataFrame, wanted: DataFrame, lookback: int,
                         size: int = HISTORY_SIZE) -> DataFrame:
    """(customer_id, dt, action_ts, action_types, item_ids) like ``fold.read``, from all actions."""
    inside = actions.join(wanted.select("customer_id", "dt"), "customer_id").where(
        (F.col("action_ts") < F.to_timestamp("dt")) & (F.col("action_ts") >= window_start(F.col("dt"), lookback)))
    order = Window.partitionBy("customer_id", "dt").orderBy(
        F.col("action_ts").desc(), F.col("action_type").desc(), F.col("item_id").asc())
    ranked = inside.withColumn("rn", F.row_number().over(order)).where(F.col("rn") <= size)
    collected = ranked.groupBy("customer_id", "dt").agg(F.sort_array(F.collect_list(F.struct(
        "rn", "action_ts", "action_type", "item_id"))).alias("h"))
    found = collected.select(
        "customer_id", "dt",
        F.transform("h", lambda a: a["action_ts"]).alias("action_ts"),
        F.transform("h", lambda a: a["action_type"]).alias("action_types"),
        F.transform("h", lambda a: a["item_id"]).alias("item_ids"))
    return wanted.select("customer_id", "dt").join(found, ["customer_id", "dt"], "left").select(
        "customer_id", "dt", *[F.coalesce(name, empty(name)).alias(name) for name in ARRAYS])


def training_input_from_scratch(impressions: DataFrame, actions: DataFrame, lookback: int) -> DataFrame:
    """gold.training_input computed over all silver data at once."""
    won = winners(impressions).where(F.size("impressions") > 0)
    histories = history_from_scratch(actions, won.select("customer_id", "dt").distinct(), lookback)
    return training_rows(won, histories)
