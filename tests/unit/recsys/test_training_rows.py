"""Training rows: winners, explosion and padding (spark_jobs/recsys/rankings.py, gold.py)."""
from __future__ import annotations

from datetime import date, datetime

IMPRESSION_SCHEMA = ("dt date, ranking_id string, customer_id bigint, "
                     "impressions array<struct<item_id:int,is_order:boolean>>, "
                     "ingest_date date, source_file string, record_number int")
HISTORY_SCHEMA = "customer_id bigint, dt date, action_ts array<timestamp>, action_types array<int>, item_ids array<int>"


def _deliveries(spark, rows):
    return spark.createDataFrame(rows, IMPRESSION_SCHEMA)


def test_latest_delivery_wins_by_ingest_date_then_file_then_line(spark):
    from spark_jobs.recsys.rankings import winners

    d = date(2026, 1, 5)
    rows = [(d, "a", 1, [(1, False)], date(2026, 1, 6), "x.ndjson", 9),
            (d, "a", 1, [(2, False)], date(2026, 1, 5), "z.ndjson", 99),
            (d, "b", 1, [(3, False)], d, "a.ndjson", 5), (d, "b", 1, [(4, False)], d, "b.ndjson", 1),
            (d, "c", 1, [(5, False)], d, "a.ndjson", 1), (d, "c", 1, [(6, False)], d, "a.ndjson", 2)]
    won = {r.ranking_id: r.impressions[0].item_id for r in winners(_deliveries(spark, rows)).collect()}
    assert won == {"a": 1, "b": 4, "c": 6}


def test_rows_are_padded_to_1000_with_zeros_after_the_history(spark):
    from spark_jobs.recsys.training import training_rows

    d = date(2026, 1, 5)
    imps = _deliveries(spark, [(d, "r", 1, [(10, False), (11, True)], d, "f", 1)]).drop("ingest_date", "source_file", "record_number")
    hist = spark.createDataFrame([(1, d, [datetime(2026, 1, 4), datetime(2026, 1, 3)], [3, 1], [7, 8])], HISTORY_SCHEMA)
    rows = sorted(training_rows(imps, hist).collect(), key=lambda r: r.position)
    assert [(r.position, r.item_id, r.is_order) for r in rows] == [(0, 10, False), (1, 11, True)]
    assert all(len(r.actions) == 1000 and len(r.action_types) == 1000 for r in rows)
    assert rows[0].history_length == 2 and rows[0].actions[:3] == [7, 8, 0] and rows[0].action_types[:3] == [3, 1, 0]
    assert set(rows[0].actions[2:]) == {0} and set(rows[0].action_types[2:]) == {0}


def test_customer_without_history_gets_all_zero_arrays(spark):
    from spark_jobs.recsys.training import training_rows

    d = date(2026, 1, 5)
    imps = _deliveries(spark, [(d, "r", 2, [(10, False)], d, "f", 1)]).drop("ingest_date", "source_file", "record_number")
    row = training_rows(imps, spark.createDataFrame([], HISTORY_SCHEMA)).first()
    assert row.history_length == 0 and row.actions == [0] * 1000 and row.action_types == [0] * 1000


def test_empty_array_gives_no_rows(spark):
    from spark_jobs.recsys.training import training_rows

    d = date(2026, 1, 5)
    imps = _deliveries(spark, [(d, "r", 2, [], d, "f", 1)]).drop("ingest_date", "source_file", "record_number")
    assert training_rows(imps, spark.createDataFrame([], HISTORY_SCHEMA)).count() == 0
