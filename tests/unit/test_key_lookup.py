"""spark_jobs.key_lookup: a lookup returns exactly the rows of its keys and opens no data
file whose key range lies outside the keys' bounds; a MERGE pruned by
subscriptions.silver.merge_bounds covers exactly the dates its versions hold. "Opens no
file" is proved by deleting that file from disk: reading it would fail."""
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pytest

from spark_jobs.key_lookup import ICEBERG_IN_LIMIT, dates_predicate, key_bounds, rows_of_keys
from spark_jobs.merge import owned_keys, write_rows
from spark_jobs.subscriptions.silver import merge_bounds

SCHEMA = "k STRING, n INT, d DATE, v STRING"
JAN = [date(2026, 1, day) for day in (1, 15, 31)]


@pytest.fixture()
def table_of_files(spark):
    """Three appends, so three data files: keys a-*, b-*, c-* on Jan 1, 15 and 31 (one month
    partition). Returns (table, {first letter: its data file's local path})."""
    table = "ops.test_key_lookup"
    spark.sql(f"CREATE TABLE {table} ({SCHEMA}) USING iceberg PARTITIONED BY (months(d)) "
              "TBLPROPERTIES ('format-version' = '2', 'write.merge.mode' = 'merge-on-read')")
    for letter, day in zip("abc", JAN):
        rows = [(f"{letter}-{i}", i, day, f"{letter}{i}") for i in range(1, 4)]
        spark.createDataFrame(rows, SCHEMA).coalesce(1).writeTo(table).append()
    files = {}
    for row in spark.sql(f"SELECT file_path, readable_metrics.k.lower_bound AS low FROM {table}.files").collect():
        files[row["low"][0]] = Path(urlparse(row["file_path"]).path)
    assert sorted(files) == ["a", "b", "c"]
    yield table, files
    spark.sql(f"DROP TABLE {table}")


def test_a_lookup_returns_exactly_the_rows_of_its_keys(spark, table_of_files):
    table, _ = table_of_files
    keys = spark.createDataFrame([("a-1", 1), ("c-3", 3), ("c-3", 3), ("c-2", 9), (None, 2), ("z-1", 1)],
                                 "k STRING, n INT")
    found = rows_of_keys(spark.table(table), keys, ["k", "n"])
    assert sorted(r["v"] for r in found.collect()) == ["a1", "c3"]
    assert rows_of_keys(spark.table(table), keys.where("k IS NULL"), ["k"]).count() == 0
    assert rows_of_keys(spark.table(table), keys.limit(0), ["k"]).count() == 0
    assert key_bounds(keys, ["k"]) == (4, {"k": ("a-1", "z-1")})


def test_a_lookup_opens_no_file_outside_the_keys_bounds(spark, table_of_files):
    table, files = table_of_files
    files["a"].unlink()             # keys a-* are gone from disk: reading that file fails
    keys = spark.createDataFrame([("b-2",), ("c-1",)], "k STRING")
    assert sorted(r["v"] for r in rows_of_keys(spark.table(table), keys, ["k"]).collect()) == ["b2", "c1"]
    with pytest.raises(Exception):  # the plain semi-join reads every file
        spark.table(table).join(keys, "k", "left_semi").collect()


def test_dates_predicate_names_exactly_the_dates():
    assert dates_predicate([JAN[2], JAN[0], JAN[2]], "t.d") == "t.d IN (DATE'2026-01-01', DATE'2026-01-31')"
    assert dates_predicate([None, JAN[0]], "t.d") == "t.d IN (DATE'2026-01-01') OR t.d IS NULL"
    assert dates_predicate([], "t.d") is None
    many = [date.fromordinal(JAN[0].toordinal() + i) for i in range(ICEBERG_IN_LIMIT + 1)]
    assert dates_predicate(many, "t.d") == f"t.d BETWEEN DATE'2026-01-01' AND DATE'{many[-1].isoformat()}'"


def test_a_merge_pruned_by_merge_bounds_opens_only_files_of_the_touched_dates(spark, table_of_files):
    table, files = table_of_files
    # Keys a-2 (Jan 1) and c-2 (Jan 31) change; the key bounds a-2..c-2 cover the b-* file,
    # its date Jan 15 lies between them: only the date set keeps it out.
    files["b"].unlink()
    versions = spark.createDataFrame([("a-2", 2, JAN[0], "A2"), ("c-2", 2, JAN[2], "C2")], SCHEMA)
    affected = versions.select("k")
    prune = merge_bounds(affected, ["k"], [versions], "d")
    assert prune == "(t.k BETWEEN 'a-2' AND 'c-2') AND (t.d IN (DATE'2026-01-01', DATE'2026-01-31'))"
    write_rows(versions, owned_keys(table, ["k"], affected, prune=prune))
    kept = {(r["k"], r["v"]) for r in spark.table(table).where("d <> DATE'2026-01-15'").collect()}
    assert kept == {("a-1", "a1"), ("a-2", "A2"), ("a-3", "a3"), ("c-1", "c1"), ("c-2", "C2"), ("c-3", "c3")}
