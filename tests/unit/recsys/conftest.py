"""Small builders for recsys unit tests: actions, state and histories from plain tuples."""
from __future__ import annotations

from datetime import date, datetime

import pytest

ACTION_SCHEMA = "customer_id bigint, action_ts timestamp, action_type int, item_id int, action_date date"


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def actions_df(spark):
    """(customer, 'YYYY-MM-DD HH:MM:SS', type, item) tuples → a silver-actions-like frame."""
    def make(rows):
        return spark.createDataFrame([(c, ts(t), k, i, ts(t).date()) for c, t, k, i in rows], ACTION_SCHEMA)
    return make


def incremental_histories(actions, wanted, lookback):
    """Histories of ``wanted`` (customer_id, dt) the way the history job gets them: the
    state folded forward batch by batch up to the day before each dt, then read."""
    from pyspark.sql import functions as F

    from spark_jobs.recsys.fold import fold, read

    state, done, parts = None, None, []
    for (dt,) in sorted(wanted.select("dt").distinct().collect()):
        batch = actions.where(F.col("action_date") < F.lit(dt))
        if done is not None:
            batch = batch.where(F.col("action_date") >= F.lit(done))
        rows = fold(state, batch, lookback)
        state = rows if state is None else state.join(rows, "customer_id", "left_anti").unionByName(rows)
        state, done = state.localCheckpoint(), dt
        parts.append(read(state, wanted.where(F.col("dt") == F.lit(dt)), lookback))
    result = parts[0]
    for part in parts[1:]:
        result = result.unionByName(part)
    return result


@pytest.fixture
def incremental():
    return incremental_histories


@pytest.fixture
def histories(spark, actions_df):
    """Histories through the incremental path, as {(customer, 'dt'): [(ts, type, item), ...]}."""
    def make(rows, wanted, lookback=365):
        asked = spark.createDataFrame([(c, date.fromisoformat(d)) for c, d in wanted], "customer_id bigint, dt date")
        result = incremental_histories(actions_df(rows), asked, lookback).collect()
        return {(r.customer_id, r.dt.isoformat()): [(t.isoformat(sep=" "), k, i) for t, k, i in
                                                     zip(r.action_ts, r.action_types, r.item_ids)]
                for r in result}
    return make
