"""spark_jobs.sql_literals read back as the values they spell; spark_jobs.merge appends a
first load, MERGEs once its scope holds rows, and commits nothing for an unchanged mirror.
A first load is conflict-checked: rows another writer added to its scope since it read
the scope empty fail its commit, and it MERGEs into them instead of adding them twice."""
from datetime import date

import pytest

from spark_jobs.java_errors import root_cause
from spark_jobs.merge import RowWrite, first_load, mirror, owned_keys, unqualified, write_rows
from spark_jobs.quality.wap import write_snapshot_id
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


def last_commit_only_added(spark, table: str) -> bool:
    """The latest commit added data files and removed or rewrote nothing (a first load)."""
    summary = spark.sql(f"SELECT summary FROM {table}.snapshots ORDER BY committed_at DESC LIMIT 1").first()[0]
    removed = ("deleted-data-files", "added-delete-files", "deleted-records", "added-position-deletes")
    return int(summary.get("added-data-files", 0)) > 0 and not any(int(summary.get(k, 0)) for k in removed)


def test_owned_keys_append_a_first_load_and_merge_once_the_prune_range_holds_rows(spark, keyed_table):
    schema = "k INT, d DATE, v STRING"
    day1, day2 = date(2026, 1, 1), date(2026, 1, 2)
    nothing = spark.createDataFrame([], schema)
    write_rows(nothing, owned_keys(keyed_table, ["k"], nothing.select("k")))
    assert spark.sql(f"SELECT count(*) FROM {keyed_table}.snapshots").first()[0] == 0
    first = spark.createDataFrame([(1, day1, "a"), (2, day1, "b")], schema)
    write_rows(first, owned_keys(keyed_table, ["k"], first.select("k"), prune="t.d = DATE'2026-01-01'"))
    assert last_commit_only_added(spark, keyed_table)
    # Another day's range is empty too: appended beside the first, nothing of it touched.
    other = spark.createDataFrame([(3, day2, "c")], schema)
    write_rows(other, owned_keys(keyed_table, ["k"], other.select("k"), prune="t.d = DATE'2026-01-02'"))
    assert last_commit_only_added(spark, keyed_table)
    # Day 1 again: k=1 changes, k=2 is in scope but no longer desired, so it is deleted.
    again = spark.createDataFrame([(1, day1, "a2")], schema)
    scope = spark.createDataFrame([(1,), (2,)], "k INT")
    write_rows(again, owned_keys(keyed_table, ["k"], scope, prune="t.d = DATE'2026-01-01'"))
    assert not last_commit_only_added(spark, keyed_table)
    rows = sorted((r.k, r.d, r.v) for r in spark.table(keyed_table).collect())
    assert rows == [(1, day1, "a2"), (3, day2, "c")]


def snapshots(spark, table: str) -> int:
    return spark.sql(f"SELECT count(*) FROM {table}.snapshots").first()[0]


def test_a_mirrored_slice_appends_commits_nothing_unchanged_and_merges_a_change(spark, keyed_table):
    schema = "k INT, d DATE, v STRING"
    day1 = date(2026, 1, 1)
    spec = mirror(keyed_table, ["k"], {"d": day1}, compare=("v",))
    rows = spark.createDataFrame([(1, day1, "a"), (2, day1, "b")], schema)
    assert write_rows(rows, spec).source_rows == 2 and last_commit_only_added(spark, keyed_table)
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


def test_a_first_load_fails_when_another_writer_filled_its_scope_since_it_was_read_empty(spark, keyed_table):
    schema = "k INT, d DATE, v STRING"
    day1, day2 = date(2026, 1, 1), date(2026, 1, 2)
    spark.createDataFrame([(9, day2, "other day")], schema).writeTo(keyed_table).append()
    spec = mirror(keyed_table, ["k"], {"d": day1}, compare=("v",))
    read_at = write_snapshot_id(spark, keyed_table)        # day 1 is empty here
    spark.createDataFrame([(1, day1, "a")], schema).writeTo(keyed_table).append()   # the other writer
    with pytest.raises(Exception) as failed:
        first_load(spark.createDataFrame([(1, day1, "a")], schema), spec, read_at)
    assert root_cause(failed.value).name == "ValidationException"
    assert spark.table(keyed_table).where("k = 1").count() == 1


def test_a_first_load_into_a_table_without_snapshots_checks_its_whole_history(spark, keyed_table):
    schema = "k INT, d DATE, v STRING"
    day1 = date(2026, 1, 1)
    spec = mirror(keyed_table, ["k"], {"d": day1}, compare=("v",))
    spark.createDataFrame([(1, day1, "a")], schema).writeTo(keyed_table).append()   # after read_at = None
    with pytest.raises(Exception) as failed:
        first_load(spark.createDataFrame([(1, day1, "a")], schema), spec, None)
    assert root_cause(failed.value).name == "ValidationException"


def test_a_first_load_of_a_scope_inside_a_files_range_merges_instead(spark):
    # k=2 lies between k=1 and k=3 of one file: Iceberg cannot overwrite part of a file.
    table = "ops.test_unpartitioned_write"
    spark.sql(f"CREATE TABLE {table} (k INT, v STRING) USING iceberg TBLPROPERTIES ('format-version' = '2')")
    try:
        spark.createDataFrame([(1, "a"), (3, "c")], "k INT, v STRING").coalesce(1).writeTo(table).append()
        written = write_rows(spark.createDataFrame([(2, "b")], "k INT, v STRING"),
                             RowWrite(table, ("k",), slice="t.k = 2", delete_missing=True))
        assert written.write.value == "merged"
        assert sorted((r.k, r.v) for r in spark.table(table).collect()) == [(1, "a"), (2, "b"), (3, "c")]
    finally:
        spark.sql(f"DROP TABLE {table}")


def test_a_scope_predicate_loses_its_alias_but_not_inside_literals():
    assert unqualified("t.d = DATE'2026-01-01' AND t.s IN ('t.x', 'it\\'s t.y')") == \
        "d = DATE'2026-01-01' AND s IN ('t.x', 'it\\'s t.y')"
