"""Landing files rewritten without a subject: every format, other records byte for byte."""
from __future__ import annotations

import gzip
import io

import pyarrow as pa
import pyarrow.parquet as pq

from spark_jobs.privacy.landing import REMOVE, rewrite

U = "u_12"


def test_ndjson_lines_of_the_subject_go_and_the_others_keep_their_bytes():
    data = b'{"user_id": "u_9", "a": 1.10}\r\n{"user_id": "  u_12 "}\n\n{"user_id":"u_123"}\n{"user_id": "u_12", "x": }\n'
    new, removed = rewrite(data, "e.ndjson", "ndjson", U, "user_id")
    assert removed == 2
    assert new == b'{"user_id": "u_9", "a": 1.10}\r\n\n{"user_id":"u_123"}\n'


def test_a_json_array_keeps_the_other_elements_text():
    data = b'[{"user_id": "u_9", "price": 9.90},\n {"user_id": "u_12"}, {"user_id": "u_1", "n": [1, 2]}]'
    new, removed = rewrite(data, "s.json", "json_array", U, "user_id")
    assert removed == 1
    assert new.decode() == '[{"user_id": "u_9", "price": 9.90},\n{"user_id": "u_1", "n": [1, 2]}]\n'


def test_a_broken_array_naming_the_subject_is_removed_whole():
    assert rewrite(b'[{"user_id": "u_12"}][]', "s.json", "json_array", U, "user_id") == (REMOVE, 1)
    assert rewrite(b'[{"user_id": "u_9"}][]', "s.json", "json_array", U, "user_id")[1] == 0


def test_csv_keeps_its_header_and_a_file_of_only_the_subject_is_removed():
    data = b"date,user_id,spend\n2026-01-01,u_12,3\n2026-01-01,u_9,4\n"
    assert rewrite(data, "x.csv", "csv", U, "user_id") == (b"date,user_id,spend\n2026-01-01,u_9,4\n", 1)
    assert rewrite(b"date,user_id\n2026-01-01,u_12\n", "x.csv", "csv", U, "user_id") == (REMOVE, 1)


def test_gzip_files_are_rewritten_compressed_and_a_truncated_one_naming_the_subject_is_removed():
    data = gzip.compress(b'{"user_id": "u_12"}\n{"user_id": "u_9"}\n')
    new, removed = rewrite(data, "e.ndjson.gz", "ndjson", U, "user_id")
    assert removed == 1 and gzip.decompress(new) == b'{"user_id": "u_9"}\n'
    truncated = gzip.compress(b'{"user_id": "u_12"}\n' * 50)[:-12]
    assert rewrite(truncated, "e.ndjson.gz", "ndjson", U, "user_id") == (REMOVE, 1)


def test_parquet_rows_of_a_numeric_customer_go():
    table = pa.table({"customer_id": pa.array([1001, 1002], pa.int64()), "note": ["a", "b"]})
    out = io.BytesIO()
    pq.write_table(table, out)
    new, removed = rewrite(out.getvalue(), "c.parquet", "ndjson_or_parquet", "1001", "customer_id")
    assert removed == 1
    assert pq.read_table(io.BytesIO(new)).to_pylist() == [{"customer_id": 1002, "note": "b"}]


def test_a_file_without_the_subject_is_left_as_it_is():
    data = b'{"user_id": "u_9"}\n'
    assert rewrite(data, "e.ndjson", "ndjson", U, "user_id") == (data, 0)
