"""Histories as three parallel arrays, and how a day of actions folds into them.

A history is ``action_ts``, ``action_types``, ``item_ids``: element i of each is the
i-th action in history order (action_ts desc, action_type desc, item_id asc). Parallel
arrays of plain numbers, not an array of structs: Parquet stores and Spark reads them
column by column, which is several times cheaper than nested structs, and the training
rows need the types and items as separate arrays anyway.

The rule that makes the state incremental: every action dated after a state row's
``as_of_date`` is later than every action in it, so the state of a later day is the
new actions (sorted among themselves) in front of the old arrays, cut at 1000 and at
the lookback. Nothing older is ever sorted again (proof: docs/recsys.md).
"""
from __future__ import annotations

import os
from datetime import date

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

HISTORY_SIZE = 1000
ARRAYS = {"action_ts": "array<timestamp>", "action_types": "array<int>", "item_ids": "array<int>"}


def lookback_days() -> int:
    """The history lookback in days (SHOPLAKE_RECSYS_LOOKBACK_DAYS, default 365)."""
    return int(os.environ.get("SHOPLAKE_RECSYS_LOOKBACK_DAYS", "365"))


def window_start(day: Column, lookback: int) -> Column:
    """The first instant inside the lookback of a history read on ``day`` 00:00 UTC."""
    return F.to_timestamp(day) - F.expr(f"INTERVAL {lookback} DAYS")


def empty(name: str) -> Column:
    return F.array().cast(ARRAYS[name])


def ordered(actions: DataFrame) -> DataFrame:
    """(customer_id, last_date, *ARRAYS): each customer's actions in history order.
    Sorting structs (ts, type, −item) descending is ts desc, type desc, item asc."""
    keyed = F.struct(F.col("action_ts").alias("ts"), F.col("action_type").alias("type"),
                     (-F.col("item_id")).alias("neg_item"))
    grouped = actions.groupBy("customer_id").agg(
        F.sort_array(F.collect_list(keyed), asc=False).alias("a"), F.max("action_date").alias("last_date"))
    return grouped.select(
        "customer_id", "last_date",
        F.transform("a", lambda x: x["ts"]).alias("action_ts"),
        F.transform("a", lambda x: x["type"]).alias("action_types"),
        F.transform("a", lambda x: -x["neg_item"]).alias("item_ids"))


def inside(start: Column, limit: Column | int | None = None) -> list[Column]:
    """The arrays cut to their actions with ts >= ``start`` (at most ``limit``). They are
    in ts order, so those are a prefix: when the last one is inside, all are."""
    last = F.element_at("action_ts", -1)
    count = F.when((F.size("action_ts") == 0) | (last >= start), F.size("action_ts")) \
        .otherwise(F.size(F.filter("action_ts", lambda t: t >= start)))
    if limit is not None:
        count = F.least(count, F.lit(limit) if isinstance(limit, int) else limit)
    return [F.slice(name, 1, count).alias(name) for name in ARRAYS]


def fold(state: DataFrame | None, actions: DataFrame, lookback: int, size: int = HISTORY_SIZE,
         broadcast: bool = True, floor: date | None = None) -> DataFrame:
    """New state rows (customer_id, as_of_date, *ARRAYS) of the customers in ``actions``.

    ``state``: (customer_id, *ARRAYS) before ``actions``, every one of which is dated after
    it (a customer without a row, or every customer when ``state`` is None, starts from
    nothing). A day's actions are few next to the states, so (``broadcast``) they travel
    to the state rows and no 1000-long array is shuffled.

    A row is dated by its customer's last action, or ``floor`` when later. ``floor`` is for
    rows built from actions read only from ``floor + 1 − lookback`` on: dated any earlier,
    the row would promise the older part of its window, which was never read."""
    new = ordered(actions)
    if state is None:
        rows = new.select("customer_id", "last_date", *ARRAYS)
    else:
        old = state.select("customer_id", *[F.col(n).alias(f"old_{n}") for n in ARRAYS])
        with_state = old.join(F.broadcast(new) if broadcast else new, "customer_id")
        without = new.join(old.select("customer_id"), "customer_id", "left_anti")
        for name in ARRAYS:
            without = without.withColumn(f"old_{name}", empty(name))
        rows = with_state.unionByName(without).select(
            "customer_id", "last_date", *[F.concat(name, f"old_{name}").alias(name) for name in ARRAYS])
    if floor is not None:
        rows = rows.withColumn("last_date", F.greatest("last_date", F.lit(floor)))
    start = window_start(F.date_add("last_date", 1), lookback)
    return rows.select("customer_id", F.col("last_date").alias("as_of_date"), *inside(start, size))


def read(state: DataFrame, wanted: DataFrame, lookback: int) -> DataFrame:
    """(customer_id, dt, *ARRAYS) for each (customer_id, dt) of ``wanted``, from state rows
    that hold exactly the customer's actions before dt (the caller's promise), cut at dt's
    lookback; customers without a row get empty arrays."""
    found = state.join(F.broadcast(wanted.select("customer_id", "dt")), "customer_id")
    found = found.select("customer_id", "dt", *inside(window_start(F.col("dt"), lookback)))
    missing = wanted.select("customer_id", "dt").join(state.select("customer_id"), "customer_id", "left_anti")
    return found.unionByName(missing.select("customer_id", "dt", *[empty(n).alias(n) for n in ARRAYS]))
