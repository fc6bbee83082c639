"""A small stand-in for the history state, shared by the state-writing tests."""
from __future__ import annotations


def create_item_history_table(spark, table: str) -> None:
    """A merge-on-read (customer_id, item_ids) table of customers 1..20 holding [c]: a small
    stand-in for the state, to watch MERGEs, rewrites and delete files."""
    spark.sql(f"DROP TABLE IF EXISTS {table}")
    spark.sql(f"""CREATE TABLE {table} (customer_id BIGINT, item_ids ARRAY<INT>) USING iceberg
                  TBLPROPERTIES ('format-version' = '2', 'write.merge.mode' = 'merge-on-read',
                                 'write.update.mode' = 'merge-on-read', 'write.delete.mode' = 'merge-on-read')""")
    spark.sql(f"INSERT INTO {table} SELECT id, array(CAST(id AS INT)) FROM range(1, 21)")
