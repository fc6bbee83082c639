"""History rules of the recsys spec, through the incremental state (spark_jobs/recsys/history.py)."""
from __future__ import annotations

from datetime import date, datetime, timedelta


def test_ties_order_by_type_desc_then_item_asc(histories):
    same = "2026-01-05 10:00:00"
    rows = [(1, same, 1, 11), (1, same, 2, 10), (1, same, 3, 12), (1, same, 1, 9), (1, "2026-01-05 11:00:00", 1, 99)]
    got = histories(rows, [(1, "2026-01-06")])[(1, "2026-01-06")]
    assert [(k, i) for _, k, i in got] == [(1, 99), (3, 12), (2, 10), (1, 9), (1, 11)]


def test_history_is_capped_at_the_1000_most_recent(histories):
    start = datetime(2026, 1, 1)
    rows = [(2, (start + timedelta(minutes=n)).isoformat(sep=" "), 1, n + 1) for n in range(1200)]
    got = histories(rows, [(2, "2026-01-03")])[(2, "2026-01-03")]
    assert len(got) == 1000 and got[0][2] == 1200 and got[-1][2] == 201


def test_lookback_start_is_inclusive_and_older_actions_drop(histories):
    rows = [(3, "2025-01-06 00:00:00", 3, 1), (3, "2025-01-05 23:59:59", 3, 2), (3, "2025-06-01 12:00:00", 1, 3)]
    got = histories(rows, [(3, "2026-01-06")])[(3, "2026-01-06")]
    assert [i for _, _, i in got] == [3, 1]


def test_actions_on_the_impression_day_are_not_history(histories):
    rows = [(4, "2026-01-05 23:59:59", 1, 1), (4, "2026-01-06 00:00:00", 1, 2), (4, "2026-01-06 08:00:00", 3, 3)]
    got = histories(rows, [(4, "2026-01-06"), (4, "2026-01-07")])
    assert [i for _, _, i in got[(4, "2026-01-06")]] == [1]
    assert [i for _, _, i in got[(4, "2026-01-07")]] == [3, 2, 1]


def test_duplicate_actions_are_kept(histories):
    rows = [(5, "2026-01-02 10:00:00", 2, 7)] * 3
    assert len(histories(rows, [(5, "2026-01-03")])[(5, "2026-01-03")]) == 3


def test_customer_without_history_gets_an_empty_history(histories):
    got = histories([(6, "2026-01-02 10:00:00", 1, 1)], [(7, "2026-01-03"), (6, "2026-01-02")])
    assert got[(7, "2026-01-03")] == [] and got[(6, "2026-01-02")] == []


def test_folding_day_by_day_equals_folding_all_days_at_once(spark, actions_df):
    """Each day's state derived from the previous day's state equals one computed from scratch."""
    from pyspark.sql import functions as F

    from spark_jobs.recsys.fold import fold

    base = datetime(2026, 1, 1, 12)
    rows = [(8, (base + timedelta(hours=7 * n)).isoformat(sep=" "), 1 + n % 3, n % 5) for n in range(60)]
    rows += [(9, "2026-01-03 08:00:00", 2, 4)]   # a customer with a state row who later stays idle
    acts = actions_df(rows)
    state = None
    for day in sorted({date.fromisoformat(r[1][:10]) for r in rows}):
        today = fold(state, acts.where(F.col("action_date") == F.lit(day)), 3, size=10)
        state = today if state is None else state.join(today, "customer_id", "left_anti").unionByName(today)
        state = state.localCheckpoint()
        at_once = fold(None, acts.where(F.col("action_date") <= F.lit(day)), 3, size=10)
        assert sorted(state.collect()) == sorted(at_once.collect()), day
    assert max(r.as_of_date for r in state.collect()) > date(2026, 1, 10)
