"""spark_jobs.sql_literals read back as the values they spell; spark_jobs.merge appends a
first load, MERGEs once its scope holds rows, and commits nothing for an unchanged mirror."""
from datetime import date

import pytest

from spark_jobs.merge import RowWrite, mirror, owned_keys, write_rows
from spark_jobs.sql_literals import sql_literal, values_in


def test_key_literals_read_back_as_the_values(spark):
    values = ["it's", "back\\slash", "plain", date(2026, 1, 2), 7]
    row = spark.sql("SELECT " + ", ".join(sql_literal(v) for v in values)).first()
    assert list(row) == values


def test_values_in_matches_text_with_a_quote(spark):
    frame = spark.sql("SELECT * FROM VALUES ('it''s'), ('it\\'s'), ('its') AS t(s)")
    assert [r["s"] for r in frame.where(values_in("s", ["it's"])).collect()] == ["it's"]


@pytest.fixture()
def keyed_table(spark):
    table = "ops.test_write_rows"
    spark.sql(f"CREATE TABLE {table} (k INT, d DATE, v STRING) USING iceberg PARTITIONED BY (d) "
              "TBLPROPERTIES ('format-version' = '2', 'write.merge.mode' = 'merge-on-read')")
    yield table
    spark.sql(f"DROP TABLE {table}")


def last_operation(spark, table: str) -> str:
    return spark.sql(f"SELECT operation FROM {table}.snapshots ORDER BY committed_at DESC LIMIT 1").first()[0]


def test_owned_keys_append_a_first_load_and_merge_once_the_prune_range_holds_rows(spark, keyed_table):
    schema = "k INT, d DATE, v STRING"
    day1, day2 = date(2026, 1, 1), date(2026, 1, 2)
    nothing = spark.createDataFrame([], schema)
    write_rows(nothing, owned_keys(keyed_table, ["k"], nothing.select("k")))
    assert spark.sql(f"SELECT count(*) FROM {keyed_table}.snapshots").first()[0] == 0
    first = spark.createDataFrame([(1, day1, "a"), (2, day1, "b")], schema)
    write_rows(first, owned_keys(keyed_table, ["k"], first.select("k"), prune="t.d = DATE'2026-01-01'"))
    assert last_operation(spark, keyed_table) == "append"
    # Another day's range is empty too: appended beside the first, nothing of it touched.
    other = spark.createDataFrame([(3, day2, "c")], schema)
    write_rows(other, owned_keys(keyed_table, ["k"], other.select("k"), prune="t.d = DATE'2026-01-02'"))
    assert last_operation(spark, keyed_table) == "append"
    # Day 1 again: k=1 changes, k=2 is in scope but no longer desired, so it is deleted.
    again = spark.createDataFrame([(1, day1, "a2")], schema)
    scope = spark.createDataFrame([(1,), (2,)], "k INT")
    write_rows(again, owned_keys(keyed_table, ["k"], scope, prune="t.d = DATE'2026-01-01'"))
    assert last_operation(spark, keyed_table) != "append"
    rows = sorted((r.k, r.d, r.v) for r in spark.table(keyed_table).collect())
    assert rows == [(1, day1, "a2"), (3, day2, "c")]


def snapshots(spark, table: str) -> int:
    return spark.sql(f"SELECT count(*) FROM {table}.snapshots").first()[0]


def test_a_mirrored_slice_appends_commits_nothing_unchanged_and_merges_a_change(spark, keyed_table):
    schema = "k INT, d DATE, v STRING"
    day1 = date(2026, 1, 1)
    spec = mirror(keyed_table, ["k"], {"d": day1}, compare=("v",))
    rows = spark.createDataFrame([(1, day1, "a"), (2, day1, "b")], schema)
    assert write_rows(rows, spec).source_rows == 2 and last_operation(spark, keyed_table) == "append"
    before = snapshots(spark, keyed_table)
    assert write_rows(rows, spec).write.value == "unchanged" and snapshots(spark, keyed_table) == before
    write_rows(spark.createDataFrame([(1, day1, "a2")], schema), spec)       # k=2 vanished from the slice
    assert sorted((r.k, r.v) for r in spark.table(keyed_table).collect()) == [(1, "a2")]


def test_an_upsert_rewrites_only_rows_whose_values_changed(spark, keyed_table):
    schema = "k INT, d DATE, v STRING"
    day1 = date(2026, 1, 1)
    spec = RowWrite(keyed_table, ("k",))
    write_rows(spark.createDataFrame([(1, day1, "a"), (2, day1, "b")], schema), spec)
    write_rows(spark.createDataFrame([(1, day1, "a"), (3, day1, "c")], schema), spec)
    summary = spark.sql(f"SELECT summary FROM {keyed_table}.snapshots ORDER BY committed_at DESC LIMIT 1").first()[0]
    assert summary.get("added-records") == "1"        # k=3 only: the unchanged k=1 was not rewritten
    assert sorted(r.k for r in spark.table(keyed_table).collect()) == [1, 2, 3]
