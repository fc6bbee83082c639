"""Compaction of the per-customer history rows (spark_jobs/recsys/history.py)."""
from __future__ import annotations

from state_support import create_item_history_table

TABLE = "silver.test_compacted_history"


def test_compaction_drops_delete_files_and_keeps_the_rows(spark):
    from spark_jobs.recsys.history import COMPACT_AFTER_MERGES, compact_state

    create_item_history_table(spark, TABLE)
    assert not compact_state(spark, TABLE)
    for day in range(COMPACT_AFTER_MERGES):   # one MERGE a day, each updating two customers
        assert not compact_state(spark, TABLE)
        spark.sql(f"""MERGE INTO {TABLE} t USING (SELECT CAST(id AS BIGINT) AS customer_id FROM range({day + 1}, {day + 3})) s
                      ON t.customer_id = s.customer_id
                      WHEN MATCHED THEN UPDATE SET t.item_ids = concat(array({100 + day}), t.item_ids)""")
    before = sorted(spark.table(TABLE).collect())
    assert spark.sql(f"SELECT count(*) FROM {TABLE}.delete_files").first()[0] >= COMPACT_AFTER_MERGES
    assert compact_state(spark, TABLE)
    assert spark.sql(f"SELECT count(*) FROM {TABLE}.delete_files").first()[0] == 0
    assert sorted(spark.table(TABLE).collect()) == before
    assert before[1].item_ids == [101, 100, 2]
    spark.sql(f"DROP TABLE {TABLE}")
