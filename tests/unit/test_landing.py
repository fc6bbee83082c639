"""Hostile landing files: every one read literally or quarantined whole, none crashes the day."""
from __future__ import annotations

import gzip
import json
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from pyspark.sql import functions as F

from spark_jobs import landing
from spark_jobs.bronze import load_bronze
from spark_jobs.landing import MAX_RECORD_BYTES
from spark_jobs.recsys import DOMAIN as RECSYS
from spark_jobs.subscriptions import DOMAIN

EVENTS, SUBSCRIPTIONS, SPEND = (DOMAIN.source(name) for name in ("events", "subscriptions", "marketing_spend"))
CLICKS = RECSYS.source("clicks")


def folder(settings, source, day: date) -> Path:
    path = Path(settings.landing) / source.domain / source.name / f"ingest_date={day}"
    path.mkdir(parents=True, exist_ok=True)
    return path


def put(settings, source, day: date, name: str, data: bytes | str) -> Path:
    path = folder(settings, source, day) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def lines(*ids: str) -> str:
    return "".join(json.dumps({"event_id": i}) + "\n" for i in ids)


def bronze(spark, source, day: date) -> list[tuple]:
    return sorted(tuple(r) for r in spark.table(source.bronze_table).where(F.col("ingest_date") == F.lit(day))
                  .select("source_file", "record_number", "header", "problem").collect())


def test_glob_characters_in_names_read_exactly_that_file(spark, settings):
    day = date(2025, 4, 1)
    names = {"ev1.ndjson": 1, "ev[1].ndjson": 3, "a{b.ndjson": 2, "x*y.ndjson": 1, "s p?a%20ce.ndjson": 2}
    for name, n in names.items():
        put(settings, EVENTS, day, name, lines(*[f"{name}-{i}" for i in range(n)]))
    record = load_bronze(spark, settings, EVENTS, day)
    files = [f for f, *_ in bronze(spark, EVENTS, day)]
    assert {f: files.count(f) for f in set(files)} == names
    assert (record.records_read, record.rows_in_table, record.reconciled) == (9, 9, True)


def test_files_in_subfolders_are_records_and_markers_are_counted_not_read(spark, settings):
    day = date(2025, 4, 2)
    put(settings, EVENTS, day, "a.ndjson", lines("a"))
    put(settings, EVENTS, day, "late/b.ndjson", lines("b1", "b2"))
    put(settings, EVENTS, day, "_SUCCESS", "")
    put(settings, EVENTS, day, "_tmp/c.ndjson", lines("c"))
    record = load_bronze(spark, settings, EVENTS, day)
    assert [(f, n) for f, n, *_ in bronze(spark, EVENTS, day)] == [("a.ndjson", 1), ("late/b.ndjson", 1),
                                                                    ("late/b.ndjson", 2)]
    assert (record.files, record.records_read, record.reconciled) == (2, 3, True)


def test_compressed_file_is_read_and_truncated_one_is_quarantined_whole(spark, settings):
    day = date(2025, 4, 3)
    packed = gzip.compress(lines(*[f"e{i}" for i in range(500)]).encode())
    put(settings, EVENTS, day, "ok.ndjson.gz", packed)
    put(settings, EVENTS, day, "cut.ndjson.gz", packed[: len(packed) // 2])
    record = load_bronze(spark, settings, EVENTS, day)
    rows = bronze(spark, EVENTS, day)
    assert [r for r in rows if r[0] == "cut.ndjson.gz"] == [("cut.ndjson.gz", 0, None, "unreadable_compressed_file")]
    assert len([r for r in rows if r[0] == "ok.ndjson.gz"]) == 500
    assert (record.records_read, record.rows_in_table, record.reconciled) == (501, 501, True)


def test_byte_order_mark_is_not_part_of_the_first_record(spark, settings):
    day = date(2025, 4, 4)
    put(settings, EVENTS, day, "bom.ndjson", "\ufeff" + lines("e1"))
    put(settings, SUBSCRIPTIONS, day, "bom.json", "\ufeff" + json.dumps([{"subscription_id": "s1"}]))
    put(settings, SPEND, day, "bom.csv", "\ufeffdate,channel,spend\n2025-04-03,google,1\n")
    for source in (EVENTS, SUBSCRIPTIONS, SPEND):
        load_bronze(spark, settings, source, day)
    raws = [r.raw for s in (EVENTS, SUBSCRIPTIONS, SPEND)
            for r in spark.table(s.bronze_table).where(F.col("ingest_date") == F.lit(day)).collect()]
    assert raws == ['{"event_id": "e1"}', '{"subscription_id":"s1"}', "2025-04-03,google,1"]


def test_csv_without_the_expected_header_keeps_every_line_without_a_header(spark, settings):
    day = date(2025, 4, 5)
    put(settings, SPEND, day, "headerless.csv", "2025-04-04,google,10\n2025-04-04,meta,5\n")
    put(settings, SPEND, day, "reordered.csv", "Spend,date,channel\n3,2025-04-04,tiktok\n")
    record = load_bronze(spark, settings, SPEND, day)
    assert bronze(spark, SPEND, day) == [("headerless.csv", 1, None, None), ("headerless.csv", 2, None, None),
                                         ("reordered.csv", 2, "Spend,date,channel", None)]
    assert (record.records_read, record.reconciled) == (3, True)


def test_two_json_arrays_back_to_back_are_one_broken_record(spark, settings):
    day = date(2025, 4, 6)
    put(settings, SUBSCRIPTIONS, day, "two.json", '[{"subscription_id": "s1"}][{"subscription_id": "s2"}]')
    put(settings, SUBSCRIPTIONS, day, "nan.json", '[{"price": NaN}]')
    record = load_bronze(spark, settings, SUBSCRIPTIONS, day)
    assert bronze(spark, SUBSCRIPTIONS, day) == [("nan.json", 0, None, None), ("two.json", 0, None, None)]
    assert (record.records_read, record.reconciled) == (2, True)


def test_oversize_record_lands_marked(spark, settings):
    day = date(2025, 4, 7)
    put(settings, EVENTS, day, "big.ndjson", lines("small") + json.dumps({"event_id": "x" * MAX_RECORD_BYTES}) + "\n")
    load_bronze(spark, settings, EVENTS, day)
    assert [p for *_, p in bronze(spark, EVENTS, day)] == [None, "oversize_record"]


def write_parquet(path: Path, table: pa.Table) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)


def test_unreadable_and_conflicting_parquet_files_land_without_failing_the_day(spark, settings):
    day = date(2025, 4, 8)
    base = folder(settings, CLICKS, day)
    write_parquet(base / "ints.parquet", pa.table({"customer_id": [1, 2], "item_id": [3, 4]}))
    write_parquet(base / "strings.parquet", pa.table({"customer_id": ["5"], "item_id": ["x"]}))
    nanos = pa.table({"customer_id": [1], "click_time": pa.array([datetime(2025, 4, 7)], pa.timestamp("ns"))})
    write_parquet(base / "nanos.parquet", nanos)
    put(settings, CLICKS, day, "fake.parquet", "not parquet\n")
    record = load_bronze(spark, settings, CLICKS, day)
    assert [(f, n, p) for f, n, _, p in bronze(spark, CLICKS, day)] == [
        ("fake.parquet", 0, "unreadable_parquet"), ("ints.parquet", 1, None), ("ints.parquet", 2, None),
        ("nanos.parquet", 0, "unreadable_parquet"), ("strings.parquet", 1, None)]
    assert (record.records_read, record.rows_in_table, record.reconciled) == (5, 5, True)


def test_a_record_lost_by_the_reader_shows_as_unreconciled(spark, settings, monkeypatch):
    day = date(2025, 4, 9)
    put(settings, EVENTS, day, "a.ndjson", lines("e1", "e2", "e3"))
    losing = landing.READERS["ndjson"]
    monkeypatch.setitem(landing.READERS, "ndjson",
                        lambda *args: losing(*args).where(F.col("record_number") != 2))
    record = load_bronze(spark, settings, EVENTS, day)
    assert (record.records_read, record.rows_in_table, record.reconciled) == (3, 2, False)


def test_bytes_that_are_not_utf8_land_unchanged_for_silver_to_see(spark, settings):
    day = date(2025, 4, 10)
    line = b'{"event_id": "e\xff1"}'
    put(settings, EVENTS, day, "bytes.ndjson", line + b"\r\n")
    put(settings, SUBSCRIPTIONS, day, "bytes.json", b'[{"subscription_id": "s\xff1"}]')
    load_bronze(spark, settings, EVENTS, day)
    load_bronze(spark, settings, SUBSCRIPTIONS, day)
    stored = spark.table(EVENTS.bronze_table).where(F.col("ingest_date") == F.lit(day)).select(
        F.col("raw").cast("binary")).first()[0]
    assert bytes(stored) == line
    assert [n for _, n, *_ in bronze(spark, SUBSCRIPTIONS, day)] == [0]
