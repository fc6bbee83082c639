"""MERGE helpers shared by every domain: one way to upsert a DataFrame into a table."""
from __future__ import annotations

import uuid
from collections.abc import Sequence

from pyspark.sql import DataFrame


def merge_rows(source: DataFrame, table: str, keys: Sequence[str], *, update_when: str | None = None,
               target_slice: str | None = None, delete_missing: bool = False) -> None:
    """``MERGE INTO table`` on ``keys``: update matches, insert new rows.

    ``update_when``: extra condition (over ``t.`` and ``s.``) for updating a match, so an
    unchanged re-run rewrites nothing. ``target_slice``: a predicate over ``t.`` that
    limits which target rows the source speaks for (e.g. one ingest_date); it prunes the
    scan, and with ``delete_missing`` the slice's rows the source lacks are deleted so
    the slice mirrors the source exactly. The source must only hold rows of the slice.
    """
    view = f"merge_source_{uuid.uuid4().hex}"
    source.createOrReplaceTempView(view)
    on = " AND ".join([f"t.{k} = s.{k}" for k in keys] + ([f"({target_slice})"] if target_slice else []))
    matched = f"WHEN MATCHED AND ({update_when}) THEN UPDATE SET *" if update_when else "WHEN MATCHED THEN UPDATE SET *"
    delete = ""
    if delete_missing:
        if not target_slice:
            raise ValueError("delete_missing needs a target_slice: it would empty the whole table")
        delete = f"WHEN NOT MATCHED BY SOURCE AND ({target_slice}) THEN DELETE"
    try:
        source.sparkSession.sql(
            f"MERGE INTO {table} t USING {view} s ON {on} {matched} WHEN NOT MATCHED THEN INSERT * {delete}")
    finally:
        source.sparkSession.catalog.dropTempView(view)
