"""Reading rules and quarantine reasons of recsys records (spark_jobs/recsys/parse.py)."""
from __future__ import annotations

import json
from datetime import datetime

import pytest


@pytest.fixture
def parsed(spark):
    """Parse raw records of a source; returns rows in input order."""
    from spark_jobs.recsys.parse import parse_actions, parse_impressions

    def make(source, records):
        raws = [r if isinstance(r, str) else json.dumps(r) for r in records]
        bronze = spark.createDataFrame([(None, "f.ndjson", n + 1, raw) for n, raw in enumerate(raws)],
                                       "ingest_date date, source_file string, record_number int, raw string")
        frame = parse_impressions(bronze) if source == "impressions" else parse_actions(bronze, source)
        return sorted(frame.collect(), key=lambda r: r.record_number)
    return make


def test_action_time_falls_back_to_the_record_date_at_midnight(parsed):
    rows = parsed("clicks", [{"dt": "2026-01-05", "customer_id": 1, "item_id": 2},
                             {"dt": "2026-01-05", "customer_id": 1, "item_id": 2, "click_time": " "}])
    rows += parsed("previous_orders", [{"order_date": "2026-01-04", "customer_id": 1, "config_id": 2, "occurred_at": None}])
    assert [r.action_ts for r in rows] == [datetime(2026, 1, 5), datetime(2026, 1, 5), datetime(2026, 1, 4)]
    assert [r.action_type for r in rows] == [1, 1, 3] and all(r.reason is None for r in rows)


def test_timestamp_spellings_of_one_instant_are_equal(parsed):
    spellings = ["2026-01-05T10:00:00Z", "2026-01-05T12:00:00+02:00", "2026-01-05T05:00:00.000000-0500",
                 "2026-01-05 10:00:00", "2026-01-05T10:00:00"]
    rows = parsed("add_to_carts", [{"dt": "2026-01-01", "customer_id": 1, "config_id": 2, "occurred_at": s} for s in spellings])
    assert {r.action_ts for r in rows} == {datetime(2026, 1, 5, 10)}


def test_present_but_unparseable_or_unrecoverable_times_are_invalid_timestamp(parsed):
    rows = parsed("clicks", [{"dt": "2026-01-05", "customer_id": 1, "item_id": 2, "click_time": "2026-01-05"},
                             {"dt": "2026-01-05", "customer_id": 1, "item_id": 2, "click_time": "2026-01-05T25:00:00Z"},
                             {"customer_id": 1, "item_id": 2},
                             {"dt": "05/01/2026", "customer_id": 1, "item_id": 2}])
    assert [r.reason for r in rows] == ["invalid_timestamp"] * 4


def test_ids_accept_numeric_strings_and_reject_the_rest(parsed):
    rows = parsed("add_to_carts", [{"dt": "2026-01-05", "customer_id": " 42 ", "config_id": "7"},
                                   {"dt": "2026-01-05", "customer_id": "abc", "config_id": 7},
                                   {"dt": "2026-01-05", "customer_id": 42, "simple_id": 7}])
    assert (rows[0].customer_id, rows[0].item_id, rows[0].reason) == (42, 7, None)
    assert [r.reason for r in rows[1:]] == ["missing_customer_id", "missing_item_id"]


def test_lines_that_are_not_json_objects_are_invalid_json(parsed):
    rows = parsed("clicks", ['{"customer_id": 5, "item_id"', "[1, 2]", "42"])
    assert [r.reason for r in rows] == ["invalid_json"] * 3


def test_null_or_empty_impressions_are_valid_deliveries(parsed):
    base = {"dt": "2026-01-05", "ranking_id": "r1", "customer_id": 3}
    rows = parsed("impressions", [dict(base, impressions=None), dict(base, impressions=[]), base])
    assert [r.reason for r in rows] == [None, None, None]


def test_impressions_that_are_not_arrays_of_items_are_invalid(parsed):
    base = {"dt": "2026-01-05", "ranking_id": "r1", "customer_id": 3}
    bad = ["[1,2]", [1, 2], [{"item_id": "x"}], [{"is_order": True}], [{"item_id": 1.5}], {"item_id": 1}]
    rows = parsed("impressions", [dict(base, impressions=b) for b in bad])
    assert [r.reason for r in rows] == ["invalid_impressions"] * len(bad)


def test_impression_key_fields_are_required(parsed):
    base = {"dt": "2026-01-05", "ranking_id": "r1", "customer_id": 3, "impressions": [{"item_id": 1}]}
    rows = parsed("impressions", [dict(base, ranking_id=" "), {k: v for k, v in base.items() if k != "customer_id"},
                                  dict(base, dt="2026/01/05"), dict(base)])
    assert [r.reason for r in rows] == ["missing_ranking_id", "missing_customer_id", "invalid_date", None]
    assert rows[3].impressions[0].item_id == 1
