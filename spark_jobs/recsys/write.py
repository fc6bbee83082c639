"""Replace a set of rows of a table in one MERGE: upsert the new rows, delete stale ones.

Used where a recomputation owns a set of keys whose rows may shrink: a re-delivered
ranking with fewer positions, a customer's history rows from a date on. ``merge_rows``
deletes only within a predicate slice; here the slice is a set of keys, so the rows to
delete travel with the source, flagged.
"""
from __future__ import annotations

import uuid
from collections.abc import Sequence

from pyspark.sql import DataFrame
from pyspark.sql import functions as F


def replace_rows(rows: DataFrame, stale_keys: DataFrame, table: str, keys: Sequence[str], *,
                 prune: str | None = None) -> None:
    """MERGE ``rows`` into ``table`` on ``keys`` and delete the target rows of ``stale_keys``
    (key columns only; keys also in ``rows`` are upserted, not deleted). A matched row is
    rewritten only when a value changed. ``prune``: a predicate over ``t.`` covering every
    row involved, so the MERGE reads only those partitions."""
    columns = rows.columns
    deletes = stale_keys.select(*keys).join(rows.select(*keys), list(keys), "left_anti")
    nulls = [F.lit(None).cast(rows.schema[c].dataType).alias(c) for c in columns if c not in keys]
    source = rows.withColumn("_delete", F.lit(False)).unionByName(
        deletes.select(*keys, *nulls).withColumn("_delete", F.lit(True)))
    view = f"replace_source_{uuid.uuid4().hex}"
    source.createOrReplaceTempView(view)
    on = " AND ".join([f"t.{k} = s.{k}" for k in keys] + ([f"({prune})"] if prune else []))
    changed = " OR ".join(f"NOT (t.{c} <=> s.{c})" for c in columns if c not in keys) or "false"
    assign = ", ".join(f"{c} = s.{c}" for c in columns)
    names = ", ".join(columns)
    values = ", ".join(f"s.{c}" for c in columns)
    try:
        rows.sparkSession.sql(
            f"MERGE INTO {table} t USING {view} s ON {on} "
            f"WHEN MATCHED AND s._delete THEN DELETE "
            f"WHEN MATCHED AND ({changed}) THEN UPDATE SET {assign} "
            f"WHEN NOT MATCHED AND NOT s._delete THEN INSERT ({names}) VALUES ({values})")
    finally:
        rows.sparkSession.catalog.dropTempView(view)
