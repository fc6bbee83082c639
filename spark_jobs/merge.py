"""MERGE helpers shared by every domain: one way to upsert a DataFrame into a table."""
from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import NamedTuple

from pyspark.sql import DataFrame, Observation, SparkSession
from pyspark.sql import functions as F

# Iceberg's default hash distribution shuffles a write by partition, so a day's rows, which
# share one partition value, are written by ONE task into ONE file, and every later scan of
# them is one task too. These options keep the source's partitioning instead: each task
# writes its own file (fanout: no sort by the partition value), without a shuffle.
SPREAD_WRITE = {"distribution-mode": "none", "fanout-enabled": "true"}


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


class SliceWrite(Enum):
    UNCHANGED = "unchanged"
    APPENDED = "appended"
    MERGED = "merged"


class SliceResult(NamedTuple):
    write: SliceWrite
    source_rows: int      # rows of the source, counted while it was written or compared


def _fingerprint(frame: DataFrame, columns: Sequence[str]) -> tuple[int, int]:
    """(rows, order-independent checksum of the given columns)."""
    row = frame.agg(F.count(F.lit(1)), F.coalesce(F.sum(F.xxhash64(*columns).cast("decimal(38,0)")), F.lit(0))).first()
    return int(row[0]), int(row[1])


def sql_literal(value) -> str:
    """A SQL literal of a key value: a date, a number, or text (quotes and backslashes
    escaped the way Spark's parser reads them: ``''`` would end one literal and start another)."""
    if isinstance(value, date):
        return f"DATE'{value.isoformat()}'"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    escaped = str(value).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"


def values_in(column: str, values: Sequence) -> str:
    """A SQL predicate ``column IN (...)`` over literal values (dates, strings, numbers)."""
    return f"{column} IN ({', '.join(sql_literal(v) for v in values)})"


def _slice_predicate(slice_values: Mapping[str, object], alias: str = "") -> str:
    """``column = value AND ...`` over ``alias``-prefixed columns; a tuple value is ``IN (...)``."""
    return " AND ".join(values_in(f"{alias}{c}", v) if isinstance(v, tuple) else f"{alias}{c} = {sql_literal(v)}"
                        for c, v in slice_values.items())


def append_rows(source: DataFrame, table: str, write_options: Mapping[str, str] | None = None) -> int:
    """Append ``source`` to ``table``, counted as it is written (one pass); returns the rows
    appended. An empty source commits nothing: an empty append would add a snapshot."""
    if source.isEmpty():
        return 0
    written = Observation()
    source.observe(written, F.count(F.lit(1)).alias("rows")).writeTo(table).options(**(write_options or {})).append()
    return int(written.get["rows"])


def mirror_slice(source: DataFrame, table: str, keys: Sequence[str], slice_values: Mapping[str, object],
                 compare: Sequence[str], write_options: Mapping[str, str] | None = None) -> SliceResult:
    """Make the rows of ``table`` whose columns equal ``slice_values`` equal to ``source``.

    A tuple as a slice value means any of its values (one slice over several sources).

    The common cases commit nothing or append: a re-run whose slice already holds the
    same (keys, compare) rows changes nothing (no snapshot), and an empty slice is
    filled by a plain append, counted as it is written (one pass over the source).
    Anything else is a MERGE that updates changed rows, inserts new ones and deletes
    the slice's rows the source no longer has.
    ``write_options`` are Iceberg write options for the append (e.g. its distribution mode).
    """
    columns = [*keys, *compare]
    existing = source.sparkSession.table(table).where(_slice_predicate(slice_values))
    target_rows, target_sum = _fingerprint(existing, columns)
    if target_rows == 0:
        appended = append_rows(source, table, write_options)
        return SliceResult(SliceWrite.APPENDED if appended else SliceWrite.UNCHANGED, appended)
    source_rows, source_sum = _fingerprint(source, columns)
    if (target_rows, target_sum) == (source_rows, source_sum):
        return SliceResult(SliceWrite.UNCHANGED, source_rows)
    changed = " OR ".join(f"NOT (t.{c} <=> s.{c})" for c in compare)
    merge_rows(source, table, keys, update_when=changed or None, target_slice=_slice_predicate(slice_values, "t."),
               delete_missing=True)
    return SliceResult(SliceWrite.MERGED, source_rows)


def sync_rows(desired: DataFrame, table: str, keys: Sequence[str], scope: DataFrame,
              prune: str | None = None, compare: bool = True,
              write_options: Mapping[str, str] | None = None) -> None:
    """Rows of ``table`` whose keys are in ``scope`` become exactly ``desired``, in one MERGE
    (an append on a first load).

    For recomputations that own a set of keys whose rows may shrink or vanish (silver
    rows of the keys a day touched, a re-delivered ranking with fewer positions, a
    customer's history rows from a date on): new rows are inserted, changed ones
    updated, scope rows no longer wanted deleted, identical rows left untouched, so a
    re-run rewrites nothing.

    ``desired`` has the table's columns and only keys within the scope. ``prune`` is an
    optional predicate over ``t.`` that every affected target row satisfies (e.g. a date
    range); it lets Iceberg skip files that cannot match. ``compare=False`` updates every
    matched row without comparing it first, for rows known to have changed: comparing
    would read the target's wide columns (e.g. 1000-long arrays) for nothing.

    When the target holds no row where ``prune`` holds (a first load), no key can match
    or need deleting: ``desired`` is appended, without the MERGE's joins.
    ``write_options`` are Iceberg write options for that append.
    """
    target = desired.sparkSession.table(table).alias("t")
    if (target.where(prune) if prune else target).isEmpty():
        append_rows(desired, table, write_options)
        return
    columns = desired.columns
    deletes = scope.select(*keys).distinct().join(desired.select(*keys), list(keys), "left_anti")
    # Nothing to write: no MERGE job, no snapshot. Desired rows are checked first: finding
    # one is cheap, while the deletes need a join of the scope against all of them.
    if desired.isEmpty() and deletes.isEmpty():
        return
    source = (desired.withColumn("_delete", F.lit(False))
              .unionByName(deletes.withColumn("_delete", F.lit(True)), allowMissingColumns=True))
    view = f"sync_source_{uuid.uuid4().hex}"
    source.createOrReplaceTempView(view)
    on = " AND ".join([f"t.{k} = s.{k}" for k in keys] + ([f"({prune})"] if prune else []))
    changed = (" OR ".join(f"NOT (t.{c} <=> s.{c})" for c in columns if c not in keys) or "false") if compare \
        else "NOT s._delete"
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
