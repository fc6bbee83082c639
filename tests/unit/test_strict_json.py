"""Strict JSON (RFC 8259) for every parser: what passes, what is invalid_json."""
from __future__ import annotations

import json

import pytest
from pyspark.sql import functions as F

from spark_jobs.recsys.parse import parse_actions
from spark_jobs.strict_json import is_strict_json
from spark_jobs.subscriptions.parse_events import parse_events

VALID = ['{"a": 1}', ' {"a": "é", "b": [1, 2.5e3, null, true]} ', '[1, 2]', '"text"', '0', '{"a": "\\u00e9\\n"}']
INVALID = {
    "two_objects": '{"a": 1}{"a": 2}',
    "two_objects_with_comma": '{"a": 1},{"a": 2}',
    "single_quotes": "{'a': 1}",
    "unquoted_name": '{a: 1}',
    "trailing_text": '{"a": 1} x',
    "early_close_then_junk": '{"a": 1}] [1',
    "early_close_with_sentinel": '{"a": 1},0] x',
    "comment": '{"a": 1} // c',
    "block_comment": '{"a": /* c */ 1}',
    "nan": '{"a": NaN}',
    "infinity": '{"a": -Infinity}',
    "leading_zero": '{"a": 01}',
    "bad_escape": '{"a": "\\q"}',
    "raw_control_char": '{"a": "x\ty"}',
    "empty": "",
    "truncated": '{"a": ',
}


def strictness(spark, texts: list[str]) -> list[bool]:
    frame = spark.createDataFrame([(i, t) for i, t in enumerate(texts)], "i int, raw string")
    return [r[0] for r in frame.orderBy("i").select(is_strict_json(F.col("raw"))).collect()]


def test_one_strict_json_value_passes(spark):
    assert strictness(spark, VALID) == [True] * len(VALID)


@pytest.mark.parametrize("name", sorted(INVALID))
def test_anything_but_one_strict_json_value_fails(spark, name):
    assert strictness(spark, [INVALID[name]]) == [False]


def invalid_utf8_frame(spark, payload: bytes):
    """A one-row bronze frame whose raw holds bytes that are not UTF-8, as Spark's text reader gives them."""
    frame = spark.createDataFrame([(bytearray(payload),)], "b binary")
    return frame.select(F.lit(None).cast("date").alias("ingest_date"), F.lit("f.ndjson").alias("source_file"),
                        F.lit(1).alias("record_number"), F.col("b").cast("string").alias("raw"))


def test_invalid_utf8_is_not_strict_json_though_it_would_decode(spark):
    bronze = invalid_utf8_frame(spark, b'{"event_id": "e\xff1"}')
    assert bronze.select(is_strict_json(F.col("raw"))).first()[0] is False
    valid = invalid_utf8_frame(spark, '{"event_id": "e\ufffd1"}'.encode())     # a real U+FFFD is fine
    assert valid.select(is_strict_json(F.col("raw"))).first()[0] is True


EVENT = {"event_id": "e1", "user_id": "u1", "event_type": "login", "timestamp": "2026-01-05T10:00:00Z",
         "schema_version": 2}


def event_reasons(spark, raws: list[str]) -> list[str | None]:
    bronze = spark.createDataFrame([(None, "f.ndjson", n + 1, raw) for n, raw in enumerate(raws)],
                                   "ingest_date date, source_file string, record_number int, raw string")
    return [r.reason for r in parse_events(bronze, {"USD": 1}).orderBy("record_number").collect()]


def test_lenient_spellings_of_an_event_are_invalid_json(spark):
    good = json.dumps(EVENT)
    lenient = [good + good, good.replace('"', "'"), good + " trailing", good.replace('2}', 'NaN}'),
               good.replace('"schema_version": 2', '"schema_version": 02'), good + " // note"]
    assert event_reasons(spark, [good, *lenient]) == [None] + ["invalid_json"] * len(lenient)


def test_event_with_invalid_utf8_in_its_id_is_invalid_json(spark):
    raw = json.dumps(EVENT).replace('"e1"', '"e\\u0031"').encode().replace(b"\\u0031", b"\xc3\x28")
    bronze = invalid_utf8_frame(spark, raw)
    assert parse_events(bronze, {"USD": 1}).first().reason == "invalid_json"


def test_recsys_action_written_twice_on_one_line_is_invalid_json(spark):
    click = json.dumps({"dt": "2026-01-05", "customer_id": 1, "item_id": 2})
    bronze = spark.createDataFrame([(None, "f.ndjson", 1, click + click), (None, "f.ndjson", 2, click)],
                                   "ingest_date date, source_file string, record_number int, raw string")
    assert [r.reason for r in parse_actions(bronze, "clicks").orderBy("record_number").collect()] == ["invalid_json", None]


def test_landing_problem_comes_before_every_parsing_rule(spark):
    bronze = spark.createDataFrame([(None, "f.ndjson", 1, json.dumps(EVENT), "oversize_record")],
                                   "ingest_date date, source_file string, record_number int, raw string, problem string")
    assert parse_events(bronze, {"USD": 1}).first().reason == "oversize_record"
