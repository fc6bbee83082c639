"""Make a slice of a silver table equal to freshly computed rows, in one MERGE.

Silver tables derived from versions are recomputed for the keys a day touches (the
*scope*). One MERGE inserts new rows, updates changed ones, deletes scope rows that are
no longer wanted and leaves identical rows untouched, so a re-run rewrites nothing.
"""
from __future__ import annotations

import uuid
from collections.abc import Sequence

from pyspark.sql import DataFrame
from pyspark.sql import functions as F


def sync_rows(desired: DataFrame, table: str, keys: Sequence[str], scope: DataFrame,
              prune: str | None = None) -> None:
    """Rows of ``table`` whose keys are in ``scope`` become exactly ``desired``.

    ``desired`` has the table's columns and only keys within the scope. ``prune`` is an
    optional predicate over ``t.`` that every affected target row satisfies (e.g. a date
    range); it lets Iceberg skip files that cannot match.
    """
    columns = desired.columns
    deletes = scope.select(*keys).distinct().join(desired.select(*keys), list(keys), "left_anti")
    source = (desired.withColumn("_delete", F.lit(False))
              .unionByName(deletes.withColumn("_delete", F.lit(True)), allowMissingColumns=True))
    if source.isEmpty():     # nothing to write: no MERGE job, no snapshot
        return
    view = f"sync_source_{uuid.uuid4().hex}"
    source.createOrReplaceTempView(view)
    on = " AND ".join([f"t.{k} = s.{k}" for k in keys] + ([f"({prune})"] if prune else []))
    changed = " OR ".join(f"NOT (t.{c} <=> s.{c})" for c in columns if c not in keys) or "false"
    assignments = ", ".join(f"t.{c} = s.{c}" for c in columns)
    try:
        source.sparkSession.sql(f"""
            MERGE INTO {table} t USING {view} s ON {on}
            WHEN MATCHED AND s._delete THEN DELETE
            WHEN MATCHED AND ({changed}) THEN UPDATE SET {assignments}
            WHEN NOT MATCHED AND NOT s._delete THEN INSERT ({', '.join(columns)})
                VALUES ({', '.join(f's.{c}' for c in columns)})""")
    finally:
        source.sparkSession.catalog.dropTempView(view)
