"""Incremental action history: ``silver.recsys_history_state``.

For a customer c and a day d on which c acted, the state row (c, d) holds the first 1000
of c's actions with ``action_date <= d`` and ``action_ts >= d + 1 day − lookback``, in
history order (ts desc, type desc, item asc). The history of an impression on dt is the
latest row with as_of_date < dt, keeping actions with ts >= dt − lookback.

A row is derived from the previous row of the customer plus the actions dated after it:
those are all later than everything in the previous row, so the new row is the sorted new
actions followed by the previous row, cut at 1000 and at the window — no year of actions
is sorted again (proof: docs/recsys.md). A run recomputes only the customers whose
actions its ingest date added, changed or removed, from their earliest such date on.
"""
from __future__ import annotations

import os
from datetime import date

from pyspark.sql import Column, DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from spark_jobs.config import Settings
from spark_jobs.merge import sync_rows

STATE, ACTIONS, CHANGES = "silver.recsys_history_state", "silver.recsys_actions", "silver.recsys_action_changes"
HISTORY_SIZE = 1000
BROADCAST_CUSTOMERS = 500_000   # above this, a day's new actions are joined by shuffle
STATE_TYPE = "array<struct<ts:timestamp,type:int,item:int>>"


def lookback_days() -> int:
    """The history lookback in days (SHOPLAKE_RECSYS_LOOKBACK_DAYS, default 365)."""
    return int(os.environ.get("SHOPLAKE_RECSYS_LOOKBACK_DAYS", "365"))


def window_start(day: Column, lookback: int) -> Column:
    """The first instant inside the lookback of a history read on ``day`` 00:00 UTC."""
    return F.to_timestamp(day) - F.expr(f"INTERVAL {lookback} DAYS")


def sorted_actions(actions: DataFrame) -> DataFrame:
    """Per customer, their actions in history order: (customer_id, acts). Sorting by
    (ts, type, −item) descending is ts desc, type desc, item asc, with native sort_array."""
    keyed = F.struct(F.col("action_ts").alias("ts"), F.col("action_type").alias("type"),
                     (-F.col("item_id")).alias("neg_item"))
    return actions.groupBy("customer_id").agg(
        F.sort_array(F.collect_list(keyed), asc=False).alias("acts"),
        F.collect_set("action_date").alias("days"))


def inside_window(actions, start: Column) -> Column:
    """The actions with ts >= start. The array is in ts order, so when its oldest action
    is inside, all are: the per-element filter only runs for arrays that reach back."""
    oldest = F.element_at(actions, -1)["ts"]
    return F.when((F.size(actions) == 0) | (oldest >= start), actions) \
        .otherwise(F.filter(actions, lambda a: a["ts"] >= start))


def fold_days(base: DataFrame, actions: DataFrame, lookback: int, size: int = HISTORY_SIZE,
              broadcast: bool = True) -> DataFrame:
    """State rows (customer_id, as_of_date, actions) for every day in ``actions``.

    ``base``: (customer_id, actions) = each customer's state before the first of those
    days (missing = none); every action in ``actions`` is dated after it. A day's new
    actions are few next to the states, so (``broadcast``) they travel to the state rows
    instead of shuffling 1000-long arrays."""
    acts = sorted_actions(actions)
    with_base = base.join(F.broadcast(acts) if broadcast else acts, "customer_id")
    without = acts.join(base.select("customer_id"), "customer_id", "left_anti") \
        .withColumn("actions", F.lit(None).cast(STATE_TYPE))
    per_day = with_base.unionByName(without).select(
        "customer_id", F.explode("days").alias("as_of_date"), "acts", "actions")
    day_end = F.to_timestamp(F.date_add("as_of_date", 1))
    new = F.transform(F.filter("acts", lambda a: a["ts"] < day_end),
                      lambda a: F.struct(a["ts"].alias("ts"), a["type"].alias("type"), (-a["neg_item"]).alias("item")))
    merged = F.slice(F.concat(new, F.coalesce("actions", F.array().cast(STATE_TYPE))), 1, size)
    folded = per_day.select("customer_id", "as_of_date", merged.alias("merged"))
    inside = inside_window(F.col("merged"), window_start(F.date_add("as_of_date", 1), lookback))
    return folded.select("customer_id", "as_of_date", inside.alias("actions"))


def latest_before(state: DataFrame, wanted: DataFrame, day_column: str, lookback: int) -> DataFrame:
    """For each (customer_id, <day_column>) of ``wanted``: the as_of_date of the customer's
    latest state row before that day (rows older than the lookback can hold nothing)."""
    keys = state.select("customer_id", "as_of_date").join(F.broadcast(wanted), "customer_id").where(
        (F.col("as_of_date") < F.col(day_column))
        & (F.col("as_of_date") >= F.date_sub(F.col(day_column), lookback + 1)))
    return keys.groupBy("customer_id", day_column).agg(F.max("as_of_date").alias("as_of_date"))


def history_of(state: DataFrame, wanted: DataFrame, lookback: int) -> DataFrame:
    """(customer_id, dt, history) for each (customer_id, dt) of ``wanted``: the customer's
    actions before dt 00:00 UTC inside the lookback, at most 1000, in history order;
    empty when there are none. The state rows are found by broadcasting the (small) list
    of rows wanted to the state scan: no 1000-long array is shuffled."""
    days = latest_before(state, wanted, "dt", lookback)
    found = state.join(F.broadcast(days), ["customer_id", "as_of_date"]).select(
        "customer_id", "dt", inside_window(F.col("actions"), window_start(F.col("dt"), lookback)).alias("history"))
    missing = wanted.select("customer_id", "dt").join(days, ["customer_id", "dt"], "left_anti") \
        .withColumn("history", F.array().cast(STATE_TYPE))
    return found.unionByName(missing)


def recompute_state(spark: SparkSession, ingest_date: date, lookback: int) -> int:
    """Rewrite the state rows of the customers the ingest date touched, from their
    earliest touched date on; returns how many customers that was."""
    changes = spark.table(CHANGES).where(F.col("ingest_date") == F.lit(ingest_date)) \
        .select("customer_id", "from_date").cache()
    try:
        first, touched = changes.agg(F.min("from_date"), F.count("*")).first()
        if first is None:
            return 0
        state = spark.table(STATE).where(F.col("as_of_date") >= F.date_sub(F.lit(first), lookback + 1))
        base_day = latest_before(state, changes, "from_date", lookback)
        base = state.join(F.broadcast(base_day), ["customer_id", "as_of_date"]).select("customer_id", "actions")
        actions = (spark.table(ACTIONS).where(F.col("action_date") >= F.lit(first))
                   .join(F.broadcast(changes), "customer_id").where(F.col("action_date") >= F.col("from_date")))
        stale = state.select("customer_id", "as_of_date").join(F.broadcast(changes), "customer_id") \
            .where(F.col("as_of_date") >= F.col("from_date"))
        rows = fold_days(base, actions, lookback, broadcast=touched <= BROADCAST_CUSTOMERS)
        sync_rows(rows, STATE, ("customer_id", "as_of_date"), stale.select("customer_id", "as_of_date"),
                  prune=f"t.as_of_date >= DATE'{first.isoformat()}'")
        return touched
    finally:
        changes.unpersist()


def run(spark: SparkSession, settings: Settings, ingest_date: date) -> None:
    touched = recompute_state(spark, ingest_date, lookback_days())
    print(f"history recsys {ingest_date}  customers recomputed={touched}")
