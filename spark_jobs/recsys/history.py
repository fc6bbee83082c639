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
from spark_jobs.recsys.write import replace_rows

STATE, ACTIONS, CHANGES = "silver.recsys_history_state", "silver.recsys_actions", "silver.recsys_action_changes"
HISTORY_SIZE = 1000
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


def fold_days(base: DataFrame, actions: DataFrame, lookback: int, size: int = HISTORY_SIZE) -> DataFrame:
    """State rows (customer_id, as_of_date, actions) for every day in ``actions``.

    ``base``: (customer_id, actions) = each customer's state before the first of those
    days (missing = none); every action in ``actions`` is dated after it."""
    per_day = sorted_actions(actions).join(base, "customer_id", "left").select(
        "customer_id", F.explode("days").alias("as_of_date"), "acts", "actions")
    day_end = F.to_timestamp(F.date_add("as_of_date", 1))
    new = F.transform(F.filter("acts", lambda a: a["ts"] < day_end),
                      lambda a: F.struct(a["ts"].alias("ts"), a["type"].alias("type"), (-a["neg_item"]).alias("item")))
    merged = F.slice(F.concat(new, F.coalesce("actions", F.array().cast(STATE_TYPE))), 1, size)
    inside = F.filter(merged, lambda a: a["ts"] >= window_start(F.date_add("as_of_date", 1), lookback))
    return per_day.select("customer_id", "as_of_date", inside.alias("actions"))


def latest_before(state: DataFrame, wanted: DataFrame, day_column: str, lookback: int) -> DataFrame:
    """For each (customer_id, <day_column>) of ``wanted``: the as_of_date of the customer's
    latest state row before that day (rows older than the lookback can hold nothing)."""
    keys = state.select("customer_id", "as_of_date").join(wanted, "customer_id").where(
        (F.col("as_of_date") < F.col(day_column))
        & (F.col("as_of_date") >= F.date_sub(F.col(day_column), lookback + 1)))
    return keys.groupBy("customer_id", day_column).agg(F.max("as_of_date").alias("as_of_date"))


def history_of(state: DataFrame, wanted: DataFrame, lookback: int) -> DataFrame:
    """(customer_id, dt, history) for each (customer_id, dt) of ``wanted``: the customer's
    actions before dt 00:00 UTC inside the lookback, at most 1000, in history order;
    empty when there are none."""
    days = latest_before(state, wanted, "dt", lookback)
    rows = days.join(state, ["customer_id", "as_of_date"]).select("customer_id", "dt", "actions")
    found = wanted.join(rows, ["customer_id", "dt"], "left")
    kept = F.filter(F.coalesce("actions", F.array().cast(STATE_TYPE)),
                    lambda a: a["ts"] >= window_start(F.col("dt"), lookback))
    return found.select("customer_id", "dt", kept.alias("history"))


def recompute_state(spark: SparkSession, ingest_date: date, lookback: int) -> int:
    """Rewrite the state rows of the customers the ingest date touched, from their
    earliest touched date on; returns how many customers that was."""
    changes = spark.table(CHANGES).where(F.col("ingest_date") == F.lit(ingest_date)) \
        .select("customer_id", "from_date").cache()
    first = changes.agg(F.min("from_date")).first()[0]
    if first is None:
        return 0
    state = spark.table(STATE).where(F.col("as_of_date") >= F.date_sub(F.lit(first), lookback + 1))
    base_day = latest_before(state, changes, "from_date", lookback)
    base = state.join(base_day, ["customer_id", "as_of_date"]).select("customer_id", "actions")
    actions = (spark.table(ACTIONS).where(F.col("action_date") >= F.lit(first))
               .join(changes, "customer_id").where(F.col("action_date") >= F.col("from_date")))
    stale = state.join(changes, "customer_id").where(F.col("as_of_date") >= F.col("from_date"))
    replace_rows(fold_days(base, actions, lookback), stale.select("customer_id", "as_of_date"), STATE,
                 ("customer_id", "as_of_date"), prune=f"t.as_of_date >= DATE'{first.isoformat()}'")
    touched = changes.count()
    changes.unpersist()
    return touched


def run(spark: SparkSession, settings: Settings, ingest_date: date) -> None:
    touched = recompute_state(spark, ingest_date, lookback_days())
    print(f"history recsys {ingest_date}  customers recomputed={touched}")
