"""Small builders for recsys unit tests: actions, state and histories from plain tuples."""
from __future__ import annotations

from datetime import date, datetime

import pytest

ACTION_SCHEMA = "customer_id bigint, action_ts timestamp, action_type int, item_id int, action_date date"
STATE_SCHEMA = "customer_id bigint, actions array<struct<ts:timestamp,type:int,item:int>>"


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def actions_df(spark):
    """(customer, 'YYYY-MM-DD HH:MM:SS', type, item) tuples → a silver-actions-like frame."""
    def make(rows):
        return spark.createDataFrame([(c, ts(t), k, i, ts(t).date()) for c, t, k, i in rows], ACTION_SCHEMA)
    return make


@pytest.fixture
def histories(spark, actions_df):
    """Histories through the incremental path: state rows folded from nothing, then read."""
    from spark_jobs.recsys.history import fold_days, history_of

    def make(rows, wanted, lookback=365):
        state = fold_days(spark.createDataFrame([], STATE_SCHEMA), actions_df(rows), lookback)
        asked = spark.createDataFrame([(c, date.fromisoformat(d)) for c, d in wanted], "customer_id bigint, dt date")
        result = history_of(state, asked, lookback).collect()
        return {(r.customer_id, r.dt.isoformat()): [(a.ts.isoformat(sep=" "), a.type, a.item) for a in r.history]
                for r in result}
    return make
