"""spark_jobs.merge: key literals and slice predicates read back as the values they spell;
sync_rows appends a first load and MERGEs once its range holds rows."""
from datetime import date

import pytest

from spark_jobs.merge import sql_literal, sync_rows, values_in


def test_key_literals_read_back_as_the_values(spark):
    values = ["it's", "back\\slash", "plain", date(2026, 1, 2), 7]
    row = spark.sql("SELECT " + ", ".join(sql_literal(v) for v in values)).first()
    assert list(row) == values


def test_values_in_matches_text_with_a_quote(spark):
    frame = spark.sql("SELECT * FROM VALUES ('it''s'), ('it\\'s'), ('its') AS t(s)")
    assert [r["s"] for r in frame.where(values_in("s", ["it's"])).collect()] == ["it's"]


@pytest.fixture()
def keyed_table(spark):
    table = "ops.test_sync_rows"
    spark.sql(f"CREATE TABLE {table} (k INT, d DATE, v STRING) USING iceberg PARTITIONED BY (d)")
    yield table
    spark.sql(f"DROP TABLE {table}")


def last_operation(spark, table: str) -> str:
    return spark.sql(f"SELECT operation FROM {table}.snapshots ORDER BY committed_at DESC LIMIT 1").first()[0]


def test_sync_rows_appends_a_first_load_and_merges_once_the_prune_range_holds_rows(spark, keyed_table):
    schema = "k INT, d DATE, v STRING"
    day1, day2 = date(2026, 1, 1), date(2026, 1, 2)
    nothing = spark.createDataFrame([], schema)
    sync_rows(nothing, keyed_table, ["k"], nothing.select("k"))
    assert spark.sql(f"SELECT count(*) FROM {keyed_table}.snapshots").first()[0] == 0
    first = spark.createDataFrame([(1, day1, "a"), (2, day1, "b")], schema)
    sync_rows(first, keyed_table, ["k"], first.select("k"), prune="t.d = DATE'2026-01-01'")
    assert last_operation(spark, keyed_table) == "append"
    # Another day's range is empty too: appended beside the first, nothing of it touched.
    other = spark.createDataFrame([(3, day2, "c")], schema)
    sync_rows(other, keyed_table, ["k"], other.select("k"), prune="t.d = DATE'2026-01-02'")
    assert last_operation(spark, keyed_table) == "append"
    # Day 1 again: k=1 changes, k=2 is in scope but no longer desired, so it is deleted.
    again = spark.createDataFrame([(1, day1, "a2")], schema)
    scope = spark.createDataFrame([(1,), (2,)], "k INT")
    sync_rows(again, keyed_table, ["k"], scope, prune="t.d = DATE'2026-01-01'")
    assert last_operation(spark, keyed_table) != "append"
    rows = sorted((r.k, r.d, r.v) for r in spark.table(keyed_table).collect())
    assert rows == [(1, day1, "a2"), (3, day2, "c")]
