"""One training row per item shown: the pure logic both the gold job and the common
from-scratch build (``recsys.reference``) use to turn carousels and histories into rows."""
from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from spark_jobs.recsys.fold import HISTORY_SIZE, empty

def padded(values, size: int = HISTORY_SIZE):
    return F.concat(values, F.array_repeat(F.lit(0), F.lit(size) - F.size(values)))


def training_rows(impressions: DataFrame, histories: DataFrame) -> DataFrame:
    """One row per shown item: (dt, ranking_id, customer_id, position, item_id, is_order,
    history_length, actions, action_types), arrays exactly 1000 long. ``histories``:
    (customer_id, dt, action_types, item_ids), a missing one is empty."""
    items = impressions.select("dt", "ranking_id", "customer_id",
                               F.posexplode("impressions").alias("position", "item"))
    rows = items.join(histories.select("customer_id", "dt", "action_types", "item_ids"), ["customer_id", "dt"], "left")
    types, item_ids = F.coalesce("action_types", empty("action_types")), F.coalesce("item_ids", empty("item_ids"))
    return rows.select(
        "dt", "ranking_id", "customer_id", F.col("position").cast("int").alias("position"),
        F.col("item.item_id").alias("item_id"), F.col("item.is_order").alias("is_order"),
        F.size(item_ids).alias("history_length"), padded(item_ids).alias("actions"), padded(types).alias("action_types"))
