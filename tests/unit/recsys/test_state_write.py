"""Writing changed history rows into the state (spark_jobs/recsys/history.py: write_state)."""
from __future__ import annotations

import pytest

from state_support import create_item_history_table

TABLE = "silver.test_state_write"
SCHEMA = "customer_id bigint, item_ids array<int>"


@pytest.fixture()
def state(spark):
    """Twenty customers, customer c holding [c]."""
    create_item_history_table(spark, TABLE)
    yield TABLE
    spark.sql(f"DROP TABLE {TABLE}")


def contents(spark) -> dict[int, list[int]]:
    return {r.customer_id: r.item_ids for r in spark.table(TABLE).collect()}


def delete_files(spark) -> int:
    return spark.sql(f"SELECT count(*) FROM {TABLE}.delete_files").first()[0]


def expected(changes: dict[int, list[int]], dropped: set[int]) -> dict[int, list[int]]:
    rows = {c: [c] for c in range(1, 21) if c not in dropped}
    rows.update(changes)
    return rows


@pytest.mark.parametrize("changes, path", [
    ({2: [20, 2]}, "merge"),                                                      # 1 of 20 rows: MERGE
    ({c: [c * 10, c] for c in range(1, 15)} | {21: [210]}, "rewrite"),             # 15 rows: one rewrite
])
def test_changed_rows_replace_theirs_and_a_rebuilt_customer_without_actions_loses_his(spark, state, changes, path):
    from spark_jobs.recsys.history import write_state

    rows = spark.createDataFrame(sorted(changes.items()), SCHEMA)
    rebuild = spark.createDataFrame([(9,)], "customer_id bigint")     # rebuilt, no actions left
    write_state(spark, rows, rebuild, TABLE)
    assert contents(spark) == expected(changes, dropped={9})
    # A MERGE leaves position deletes behind; a rewrite replaces every file and leaves none.
    assert (delete_files(spark) > 0) == (path == "merge")


def test_nothing_to_write_commits_nothing(spark, state):
    from spark_jobs.recsys.history import write_state

    snapshots = spark.sql(f"SELECT count(*) FROM {TABLE}.snapshots").first()[0]
    write_state(spark, spark.createDataFrame([], SCHEMA), spark.createDataFrame([], "customer_id bigint"), TABLE)
    assert spark.sql(f"SELECT count(*) FROM {TABLE}.snapshots").first()[0] == snapshots
    assert contents(spark) == expected({}, dropped=set())
