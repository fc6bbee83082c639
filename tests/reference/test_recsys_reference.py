"""Unit tests of the from-scratch recsys reference on tiny hand-written landing folders.

Expected values are worked out by hand from specs/recsys.md; no Spark.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .recsys import parse_timestamp_text, training_input

DT = "2024-03-10"  # impression day: history is [2023-03-11T00:00Z, 2024-03-10T00:00Z)
ZEROS = [0] * 1000


def land(landing: Path, source: str, ingest: str, name: str, records: list) -> None:
    """Write NDJSON lines (dicts are dumped, strings written as they are)."""
    folder = landing / "recsys" / source / f"ingest_date={ingest}"
    folder.mkdir(parents=True, exist_ok=True)
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def impression(rid="r1", customer=7, items=(100,), dt=DT, is_order=False):
    return {"dt": dt, "ranking_id": rid, "customer_id": customer,
            "impressions": [{"item_id": i, "is_order": is_order} for i in items]}


def click(item, ts, customer=7, dt="2024-03-01"):
    record = {"dt": dt, "customer_id": customer, "item_id": item}
    if ts is not None:
        record["click_time"] = ts
    return record


def padded(values):
    return list(values) + [0] * (1000 - len(values))


def history(rows):
    """(history_length, real actions, real types) of the first row, checking the padding."""
    _, _, _, _, _, _, length, actions, types = rows[0]
    assert len(actions) == len(types) == 1000
    assert actions[length:] == [0] * (1000 - length) and types[length:] == [0] * (1000 - length)
    return length, actions[:length], types[:length]


def test_lookback_edges(tmp_path):
    land(tmp_path, "impressions", "2024-03-10", "a.json", [impression()])
    land(tmp_path, "clicks", "2024-03-10", "a.json", [
        click(11, "2023-03-11T00:00:00Z"),          # exactly dt - 365 d: inside
        click(12, "2023-03-10T23:59:59Z"),          # 1 s earlier: outside
        click(13, "2024-03-10T00:00:00Z"),          # dt 00:00: excluded (same day)
        click(14, "2024-03-09T23:59:59.999999Z"),   # 1 us before: inside
        click(15, "2024-03-10T00:30:00+01:00"),     # = 2024-03-09T23:30Z: inside
    ])
    assert history(training_input(tmp_path)) == (3, [14, 15, 11], [1, 1, 1])
    assert history(training_input(tmp_path, lookback_days=1)) == (2, [14, 15], [1, 1])


def test_ties_order_then_cart_then_click_then_item_asc(tmp_path):
    ts = "2024-03-05T12:00:00Z"
    land(tmp_path, "impressions", "2024-03-10", "a.json", [impression()])
    land(tmp_path, "clicks", "2024-03-10", "a.json", [click(3, ts), click(1, ts)])
    land(tmp_path, "add_to_carts", "2024-03-10", "a.json",
         [{"dt": "2024-03-05", "customer_id": 7, "config_id": 9, "simple_id": 1, "occurred_at": ts}])
    land(tmp_path, "previous_orders", "2024-03-10", "a.json",
         [{"order_date": "2024-03-05", "customer_id": 7, "config_id": 8, "simple_id": 1,
           "occurred_at": ts},
          {"order_date": "2024-03-05", "customer_id": 7, "config_id": 2, "simple_id": 1,
           "occurred_at": "2024-03-05T11:59:59Z"}])
    assert history(training_input(tmp_path)) == (5, [8, 9, 1, 3, 2], [3, 2, 1, 1, 3])


def test_cap_at_1000_padding_and_empty_history(tmp_path):
    land(tmp_path, "impressions", "2024-03-10", "a.json", [
        impression("big", customer=1), impression("small", customer=2),
        impression("none", customer=3)])
    clicks = [click(i, f"2024-03-01T{(i // 3600) % 24:02d}:{(i // 60) % 60:02d}:{i % 60:02d}Z",
                    customer=1) for i in range(1, 1002)]
    clicks += [click(5, "2024-03-02T00:00:00Z", customer=2), click(6, "2024-03-01T00:00:00Z", customer=2)]
    land(tmp_path, "clicks", "2024-03-10", "a.json", clicks)
    rows = {r[1]: r for r in training_input(tmp_path)}
    big = rows["big"]
    assert big[6] == 1000 and big[7] == list(range(1001, 1, -1)) and big[8] == [1] * 1000
    assert rows["small"][6:] == (2, padded([5, 6]), padded([1, 1]))
    assert rows["none"][6:] == (0, ZEROS, ZEROS)


def test_time_fallbacks_to_date_midnight(tmp_path):
    land(tmp_path, "impressions", "2024-03-10", "a.json", [impression()])
    land(tmp_path, "clicks", "2024-03-10", "a.json", [
        click(1, None, dt="2024-03-09"),            # -> 2024-03-09T00:00Z
        click(2, "2024-03-09T00:00:00Z"),
        click(3, None, dt="2024-03-10"),            # -> dt 00:00: excluded
        {"dt": "2024-03-08", "customer_id": 7, "item_id": 4, "click_time": None},
    ])
    land(tmp_path, "add_to_carts", "2024-03-10", "a.json",
         [{"dt": "2024-03-09", "customer_id": 7, "config_id": 5, "occurred_at": "  "}])
    land(tmp_path, "previous_orders", "2024-03-10", "a.json",
         [{"order_date": "2024-03-09", "customer_id": 7, "config_id": 6, "occurred_at": None},
          {"order_date": "2024-03-07", "customer_id": 7, "config_id": 7}])
    assert history(training_input(tmp_path)) == (6, [6, 5, 1, 2, 4, 7], [3, 2, 1, 1, 1, 3])


def test_numeric_string_ids_and_trimming(tmp_path):
    land(tmp_path, "impressions", "2024-03-10", "a.json", [
        {"dt": " 2024-03-10 ", "ranking_id": " r9 ", "customer_id": " 42 ",
         "impressions": [{"item_id": "55", "is_order": True}, {"item_id": 56}]}])
    land(tmp_path, "clicks", "2024-03-10", "a.json",
         [{"dt": "2024-03-01", "customer_id": "42", "item_id": " 77 ",
           "click_time": " 2024-03-01 08:00:00.1234567 "}])
    rows = training_input(tmp_path)
    assert [r[:7] for r in rows] == [
        (date(2024, 3, 10), "r9", 42, 0, 55, True, 1),
        (date(2024, 3, 10), "r9", 42, 1, 56, None, 1),   # is_order missing -> None
    ]
    assert rows[0][7][:1] == [77]


def test_timestamp_layouts():
    base = parse_timestamp_text("2024-03-01T08:00:00Z")
    assert parse_timestamp_text("2024-03-01 08:00:00") == base
    assert parse_timestamp_text("2024-03-01T08:00:00") == base
    assert parse_timestamp_text("2024-03-01T09:30:00+0130") == base
    assert parse_timestamp_text("2024-03-01T03:00:00-05:00") == base
    assert parse_timestamp_text("2024-03-01T08:00:00.1234569Z") == base + 123456
    for bad in ("2024-03-01", "2024-03-01 08:00:00Z", "2024-02-30T08:00:00Z",
                "2024-03-01T24:00:00Z", "01/03/2024 08:00", "2024-03-01T08:00Z"):
        assert parse_timestamp_text(bad) is None, bad


def test_quarantined_lines_take_no_part(tmp_path):
    land(tmp_path, "impressions", "2024-03-10", "a.json", [
        impression("ok", items=(1,)),
        "{not json",
        '["an", "array"]',
        impression("ok", items=(2,)) | {"customer_id": None},              # missing customer
        impression("ok", items=(3,)) | {"dt": "10/03/2024"},               # invalid_date
        impression("ok", items=(4,)) | {"impressions": [{"is_order": True}]},  # no item_id
        impression("ok", items=(5,)) | {"impressions": "oops"},            # not an array
        impression("ok", items=(6,)) | {"impressions": [7]},               # not objects
    ] + [impression(" ", items=(9,))])                                     # missing ranking_id
    land(tmp_path, "clicks", "2024-03-10", "a.json", [
        click(10, "2024-03-01T00:00:00Z"),
        "{broken",
        click(11, "2024-03-02T00:00:00Z") | {"customer_id": ""},
        click(12, "2024-03-03T00:00:00Z") | {"item_id": None},
        click(13, "yesterday"),
        click(14, "2024-03-04"),                                           # bare date as time
        click(15, None, dt=None),                                          # no time, no date
        click(16, None, dt="2024-3-4"),
        click(17, "2024-03-05T00:00:00Z", customer=7.5),
    ])
    land(tmp_path, "add_to_carts", "2024-03-10", "a.json",
         [{"dt": "2024-03-06", "customer_id": 7, "simple_id": 18, "occurred_at": "2024-03-06T00:00:00Z"}])
    land(tmp_path, "previous_orders", "2024-03-10", "a.json",
         [{"order_date": None, "customer_id": 7, "config_id": 19, "occurred_at": None}])
    rows = training_input(tmp_path)
    assert [r[1:5] for r in rows] == [("ok", 7, 0, 1)]
    assert history(rows) == (1, [10], [1])


def test_duplicate_actions_are_kept(tmp_path):
    line = click(5, "2024-03-01T10:00:00Z")
    land(tmp_path, "impressions", "2024-03-12", "a.json", [impression()])
    land(tmp_path, "clicks", "2024-03-02", "a.json", [line, line])
    land(tmp_path, "clicks", "2024-03-05", "b.json", [line])
    assert history(training_input(tmp_path)) == (3, [5, 5, 5], [1, 1, 1])


def test_redelivery_replaces_whole_carousel(tmp_path):
    land(tmp_path, "impressions", "2024-03-10", "a.json", [
        impression("short", items=(1, 2, 3)), impression("empty", items=(4, 5)),
        impression("null", items=(6,)), impression("kept", items=(7, 8))])
    land(tmp_path, "impressions", "2024-03-11", "a.json", [
        impression("short", items=(9,), is_order=True),
        impression("empty", items=()),
        impression("null") | {"impressions": None},
        impression("never", items=())])
    rows = training_input(tmp_path)
    assert [r[1:6] for r in rows] == [
        ("kept", 7, 0, 7, False), ("kept", 7, 1, 8, False), ("short", 7, 0, 9, True)]
    # Only the first day read: the old deliveries stand.
    assert len(training_input(tmp_path, ingest_dates=[date(2024, 3, 10)])) == 8


def test_winner_by_ingest_date_then_file_then_line(tmp_path):
    land(tmp_path, "impressions", "2024-03-10", "b.json",
         [impression("x", items=(1,)), impression("y", items=(2,)), impression("y", items=(3,))])
    land(tmp_path, "impressions", "2024-03-10", "a.json",
         [impression("x", items=(4,)), impression("y", items=(5,))])
    land(tmp_path, "impressions", "2024-03-09", "z.json", [impression("x", items=(6,))])
    land(tmp_path, "impressions", "2024-03-11", "a.json", [impression("z", items=(7,), customer=8)])
    land(tmp_path, "impressions", "2024-03-10", "_SUCCESS", [impression("x", items=(8,))])
    land(tmp_path, "impressions", "2024-03-10", ".hidden.json", [impression("x", items=(9,))])
    land(tmp_path, "impressions", "2024-03-12", "a.json",
         [impression("z", items=(10,), customer=9), impression("z", dt="2024-03-11", items=(11,))])
    rows = training_input(tmp_path)
    assert [(r[0], r[1], r[2], r[4]) for r in rows] == [
        (date(2024, 3, 10), "x", 7, 1), (date(2024, 3, 10), "y", 7, 3),
        (date(2024, 3, 10), "z", 9, 10), (date(2024, 3, 11), "z", 7, 11)]


def test_parquet_files_are_read(tmp_path):
    folder = tmp_path / "recsys" / "impressions" / "ingest_date=2024-03-10"
    folder.mkdir(parents=True)
    item = pa.struct([("item_id", pa.int32()), ("is_order", pa.bool_())])
    pq.write_table(pa.table({
        "dt": ["2024-03-10", "2024-03-10"],
        "ranking_id": ["p1", "p2"],
        "customer_id": pa.array([7, None], pa.int64()),
        "impressions": pa.array([[{"item_id": 3, "is_order": True}, {"item_id": 4, "is_order": None}],
                                 [{"item_id": 5, "is_order": False}]], pa.list_(item)),
    }), folder / "part-0.PARQUET")
    clicks = tmp_path / "recsys" / "clicks" / "ingest_date=2024-03-10"
    clicks.mkdir(parents=True)
    pq.write_table(pa.table({
        "dt": ["2024-03-01", "2024-03-02", "2024-03-03"],
        "customer_id": pa.array([7, 7, 7], pa.int64()),
        "item_id": pa.array([21, 22, 23], pa.int32()),
        "click_time": ["2024-03-01T05:00:00Z", None, "bad"],
    }), clicks / "c.parquet")
    rows = training_input(tmp_path)
    assert [r[1:6] for r in rows] == [("p1", 7, 0, 3, True), ("p1", 7, 1, 4, None)]
    assert history(rows) == (2, [22, 21], [1, 1])
