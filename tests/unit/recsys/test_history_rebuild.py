"""Rebuilding a customer's state for late actions keeps the whole window of every date it
may still answer (spark_jobs/recsys/history.py: advance_state, histories_for).

Lookback 10 days keeps the dates readable. Customer 1 acts at the exact start of dt
2026-01-11's window (2026-01-01 00:00) and on 01-05; an action dated 01-09 arrives late,
after the state was folded through 01-11, so the customer's row is rebuilt through 01-13
and the carousel of 01-11 is answered again.
"""
from __future__ import annotations

from datetime import date, datetime

import pytest

from spark_jobs.recsys.history import FOLDED_THROUGH, advance_state, histories_for
from spark_jobs.recsys.tables import ACTIONS, STATE

LOOKBACK = 10
ACTION_COLUMNS = ("customer_id bigint, action_ts timestamp, action_type int, item_id int, action_date date, "
                  "source string, ingest_date date, source_file string, record_number int")


def _snapshot(spark, table: str) -> int | None:
    row = spark.sql(f"SELECT snapshot_id FROM {table}.snapshots ORDER BY committed_at DESC LIMIT 1").first()
    return row[0] if row else None


@pytest.fixture()
def empty_state(spark):
    """The shared lake's actions and state emptied for the test, restored afterwards."""
    saved = {t: _snapshot(spark, t) for t in (ACTIONS, STATE)}
    props = {r[0]: r[1] for r in spark.sql(f"SHOW TBLPROPERTIES {STATE}").collect()}
    for table in saved:
        spark.sql(f"DELETE FROM {table}")
    spark.sql(f"ALTER TABLE {STATE} UNSET TBLPROPERTIES IF EXISTS ('{FOLDED_THROUGH}')")
    yield
    for table, snapshot in saved.items():
        spark.sql(f"DELETE FROM {table}")
        if snapshot is not None:
            spark.sql(f"CALL lake.system.rollback_to_snapshot('{table}', {snapshot})")
    if FOLDED_THROUGH in props:
        spark.sql(f"ALTER TABLE {STATE} SET TBLPROPERTIES ('{FOLDED_THROUGH}' = '{props[FOLDED_THROUGH]}')")
    else:
        spark.sql(f"ALTER TABLE {STATE} UNSET TBLPROPERTIES IF EXISTS ('{FOLDED_THROUGH}')")


def _land(spark, ingest: str, actions: list[tuple[int, str, int]]) -> None:
    rows = [(c, datetime.fromisoformat(t), 1, item, datetime.fromisoformat(t).date(), "clicks",
             date.fromisoformat(ingest), "f.ndjson", n) for n, (c, t, item) in enumerate(actions, 1)]
    spark.createDataFrame(rows, ACTION_COLUMNS).writeTo(ACTIONS).append()


def _changes(spark, customer: int, from_date: str):
    return spark.createDataFrame([(customer, date.fromisoformat(from_date))], "customer_id bigint, from_date date")


def _items(spark, customer: int, dt: str, watermark: date) -> list[int]:
    wanted = spark.createDataFrame([(customer, date.fromisoformat(dt))], "customer_id bigint, dt date")
    return histories_for(spark, wanted, watermark, LOOKBACK).first().item_ids


def test_a_rebuilt_row_still_answers_an_earlier_date_with_its_oldest_actions(spark, empty_state):
    _land(spark, "2026-01-12", [(1, "2026-01-01 00:00:00", 11), (1, "2025-12-31 23:59:59", 10),
                                (1, "2026-01-05 12:00:00", 12)])
    mark = advance_state(spark, date(2026, 1, 11), _changes(spark, 1, "2025-12-31"), LOOKBACK)
    assert _items(spark, 1, "2026-01-11", mark) == [12, 11]

    _land(spark, "2026-01-14", [(1, "2026-01-09 08:00:00", 13)])
    mark = advance_state(spark, date(2026, 1, 13), _changes(spark, 1, "2026-01-09"), LOOKBACK)

    assert _items(spark, 1, "2026-01-11", mark) == [13, 12, 11]    # 01-01 00:00 is inside 01-11's window
    assert _items(spark, 1, "2026-01-14", mark) == [13, 12]
    assert _items(spark, 1, "2026-01-06", mark) == [12, 11, 10]


def test_a_customer_whose_actions_all_left_the_window_still_has_a_history_for_older_dates(spark, empty_state):
    _land(spark, "2026-01-12", [(2, "2026-01-02 10:00:00", 21)])
    mark = advance_state(spark, date(2026, 1, 11), _changes(spark, 2, "2026-01-02"), LOOKBACK)
    _land(spark, "2026-01-20", [(2, "2026-01-03 10:00:00", 22)])     # late, and outside 01-20's window
    mark = advance_state(spark, date(2026, 1, 19), _changes(spark, 2, "2026-01-03"), LOOKBACK)

    assert _items(spark, 2, "2026-01-12", mark) == [22, 21]
    assert _items(spark, 2, "2026-01-20", mark) == []
