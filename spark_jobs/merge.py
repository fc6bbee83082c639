"""The one way rows reach a table: a :class:`RowWrite` spec and :func:`write_rows`.

A spec names the target and its keys, and which target rows the source speaks for
(its *scope*): a predicate over the target (``slice``: one ingest date, a set of key
values) or a frame of keys (``scope_keys``: the keys a recomputation owns). With
``delete_missing`` the scope's rows the source lacks are deleted, so the scope ends
exactly equal to the source. Matched rows are rewritten only when a ``compare`` column
differs, so a re-run rewrites nothing.

Before any MERGE, the cheap common cases: a scope that holds no row yet is filled
without reading the target again (a first load), and with ``skip_unchanged`` a scope
whose (keys, compare) fingerprint equals the source's commits nothing. Everything else
is one MERGE, rendered by :func:`merge_statement`.

A first load is conflict-checked, like a MERGE: emptiness is read at one snapshot, and
the rows are committed as an overwrite of the (empty) scope that Iceberg validates
against every commit since that snapshot (``validate-from-snapshot-id``, serializable
isolation). A plain append is never validated, so two writers that both saw the scope
empty would both add their rows; here the second one's commit fails and it MERGEs into
what the first one wrote instead.
"""
from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple

from pyspark.sql import DataFrame, Observation
from pyspark.sql import functions as F

from spark_jobs.java_errors import root_cause
from spark_jobs.sql_literals import equals_all

# Iceberg's default hash distribution shuffles a write by partition, so a day's rows, which
# share one partition value, are written by ONE task into ONE file, and every later scan of
# them is one task too. These options keep the source's partitioning instead: each task
# writes its own file (fanout: no sort by the partition value), without a shuffle.
SPREAD_WRITE = {"distribution-mode": "none", "fanout-enabled": "true"}
DELETE_FLAG = "_delete"
# A quoted SQL literal (with backslash escapes, as sql_literals writes them).
QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'")


@dataclass(frozen=True)
class RowWrite:
    """How a source frame's rows reach ``table``.

    ``keys``: the MERGE key. Scope, at most one of: ``slice`` — the target rows whose
    columns equal these values (a tuple value: any of them), or a predicate over ``t.``;
    ``scope_keys`` — a frame of keys the source speaks for. ``delete_missing``: scope
    rows the source lacks are deleted (always, with ``scope_keys``). ``prune``: a
    predicate over ``t.`` every affected target row satisfies, so Iceberg skips files.
    ``compare``: columns whose change rewrites a matched row (None: every non-key
    column; ``()``: a matched row is never rewritten). ``update_all``: rewrite every
    matched row unread, for rows known to have changed (comparing 1000-long arrays
    costs more than rewriting them). ``skip_unchanged``: first compare fingerprints of
    the scope and the source, and commit nothing when they agree.
    """

    table: str
    keys: tuple[str, ...]
    slice: Mapping[str, object] | str | None = None
    scope_keys: DataFrame | None = None
    delete_missing: bool = False
    prune: str | None = None
    compare: tuple[str, ...] | None = None
    update_all: bool = False
    skip_unchanged: bool = False
    write_options: Mapping[str, str] = field(default_factory=dict)

    def slice_predicate(self) -> str | None:
        """The slice as a predicate over ``t.``."""
        return self.slice if self.slice is None or isinstance(self.slice, str) else equals_all(self.slice, "t.")

    def within(self) -> str | None:
        """The predicate over ``t.`` that bounds every target row the write may touch."""
        parts = [p for p in (self.slice_predicate(), self.prune) if p]
        return " AND ".join(f"({p})" for p in parts) or None

    def scope_condition(self) -> str:
        """:meth:`within` over the table's own columns (no ``t.``), for an overwrite filter."""
        within = self.within()
        return unqualified(within) if within else "true"


def unqualified(predicate: str) -> str:
    """``predicate`` with the ``t.`` alias dropped outside quoted literals."""
    pieces = QUOTED.split(predicate)
    literals = QUOTED.findall(predicate)
    bare = [re.sub(r"(?<![\w.`])t\.(?=[\w`])", "", piece) for piece in pieces]
    return "".join(b + (literals[i] if i < len(literals) else "") for i, b in enumerate(bare))


def mirror(table: str, keys: Sequence[str], slice: Mapping[str, object], compare: Sequence[str],
           write_options: Mapping[str, str] | None = None) -> RowWrite:
    """The target rows whose columns equal ``slice`` become exactly the source: an ingest
    date's rows of a table fed day by day. A re-run that changes nothing commits nothing."""
    return RowWrite(table, tuple(keys), slice=slice, compare=tuple(compare), delete_missing=True,
                    skip_unchanged=True, write_options=write_options or {})


def owned_keys(table: str, keys: Sequence[str], scope_keys: DataFrame, prune: str | None = None,
               update_all: bool = False, write_options: Mapping[str, str] | None = None) -> RowWrite:
    """The target rows of ``scope_keys`` become exactly the source: a recomputation that
    owns those keys, whose rows may change, shrink or vanish."""
    return RowWrite(table, tuple(keys), scope_keys=scope_keys, delete_missing=True, prune=prune,
                    update_all=update_all, write_options=write_options or {})


class Written(Enum):
    UNCHANGED = "unchanged"
    APPENDED = "appended"
    MERGED = "merged"


class WriteResult(NamedTuple):
    write: Written
    source_rows: int | None     # rows of the source, when counted on the way (append, fingerprint)


def write_rows(source: DataFrame, spec: RowWrite) -> WriteResult:
    """Write ``source`` as ``spec`` says: a first load, nothing, or one MERGE."""
    from spark_jobs.quality.wap import write_snapshot_id

    spark = source.sparkSession
    # Recorded before the scope is read (which then sees this state or a later one): the
    # first load's validation covers every commit from here on.
    read_at = write_snapshot_id(spark, spec.table)
    in_scope = scope_rows(spark, spec)
    if read_at is None or in_scope.isEmpty():
        try:
            loaded = first_load(source, spec, read_at)
            return WriteResult(Written.APPENDED if loaded else Written.UNCHANGED, loaded)
        except Exception as error:  # noqa: BLE001 - a failed validation is retried as a MERGE
            cause = root_cause(error)
            if cause is None or cause.name != "ValidationException":
                raise
        # Another writer filled the scope since read_at, or a data file's column ranges
        # span the scope (Iceberg cannot overwrite part of a file): MERGE instead.
        write_snapshot_id(spark, spec.table)    # refresh: the MERGE must see those rows
        in_scope = scope_rows(spark, spec)
    compare = spec.compare if spec.compare is not None else tuple(c for c in source.columns if c not in spec.keys)
    counted = None
    if spec.skip_unchanged:
        columns = [*spec.keys, *compare]
        counted, source_sum = _fingerprint(source, columns)
        if (counted, source_sum) == _fingerprint(in_scope, columns):
            return WriteResult(Written.UNCHANGED, counted)
    merge_source = source
    if spec.scope_keys is not None:
        deletes = spec.scope_keys.select(*spec.keys).distinct().join(source.select(*spec.keys), list(spec.keys),
                                                                      "left_anti")
        # Desired rows are checked first: finding one is cheap, while the deletes need a
        # join of the scope against all of them.
        if source.isEmpty() and deletes.isEmpty():
            return WriteResult(Written.UNCHANGED, 0)
        merge_source = (source.withColumn(DELETE_FLAG, F.lit(False))
                        .unionByName(deletes.withColumn(DELETE_FLAG, F.lit(True)), allowMissingColumns=True))
    view = f"write_source_{uuid.uuid4().hex}"
    merge_source.createOrReplaceTempView(view)
    try:
        spark.sql(merge_statement(spec, view, source.columns, compare))
    finally:
        spark.catalog.dropTempView(view)
    return WriteResult(Written.MERGED, counted)


def scope_rows(spark, spec: RowWrite) -> DataFrame:
    """The target rows the source speaks for, as alias ``t`` (the whole table without a bound)."""
    target = spark.table(spec.table).alias("t")
    within = spec.within()
    return target.where(within) if within else target


def row_changed(columns: Sequence[str]) -> str:
    """A matched row differs from its source row in one of ``columns`` (nulls compare equal)."""
    return " OR ".join(f"NOT (t.{c} <=> s.{c})" for c in columns) or "false"


def merge_statement(spec: RowWrite, view: str, columns: Sequence[str], compare: Sequence[str]) -> str:
    """The MERGE of ``view`` (the source, with a delete flag under ``scope_keys``) into the target."""
    flagged = spec.scope_keys is not None
    within = spec.within()
    on = " AND ".join([f"t.{k} = s.{k}" for k in spec.keys] + ([within] if within else []))
    changed = f"NOT s.{DELETE_FLAG}" if spec.update_all and flagged else "true" if spec.update_all \
        else row_changed(compare)
    assignments = ", ".join(f"t.{c} = s.{c}" for c in columns)
    clauses = [f"MERGE INTO {spec.table} t USING {view} s ON {on}"]
    if flagged:
        clauses.append(f"WHEN MATCHED AND s.{DELETE_FLAG} THEN DELETE")
    clauses.append(f"WHEN MATCHED AND ({changed}) THEN UPDATE SET {assignments}")
    clauses.append(f"WHEN NOT MATCHED{f' AND NOT s.{DELETE_FLAG}' if flagged else ''} "
                   f"THEN INSERT ({', '.join(columns)}) VALUES ({', '.join(f's.{c}' for c in columns)})")
    if spec.delete_missing and not flagged:
        if not spec.slice:
            raise ValueError("delete_missing needs a slice: it would empty the whole table")
        clauses.append(f"WHEN NOT MATCHED BY SOURCE AND ({spec.slice_predicate()}) THEN DELETE")
    return "\n".join(clauses)


def first_load(source: DataFrame, spec: RowWrite, read_at: int | None) -> int:
    """Add ``source`` to a scope that was empty at snapshot ``read_at`` (None: the table had
    none); returns the rows written. Committed as an overwrite of the scope, which fails
    if any commit since ``read_at`` added or deleted rows in it (a concurrent first load)."""
    if source.isEmpty():
        return 0
    options = {**spec.write_options, "isolation-level": "serializable"}
    if read_at is not None:     # without it Iceberg validates against the table's whole history
        options["validate-from-snapshot-id"] = str(read_at)
    written = Observation()
    (source.observe(written, F.count(F.lit(1)).alias("rows")).writeTo(spec.table).options(**options)
     .overwrite(F.expr(spec.scope_condition())))
    return int(written.get["rows"])


def _fingerprint(frame: DataFrame, columns: Sequence[str]) -> tuple[int, int]:
    """(rows, order-independent checksum of the given columns)."""
    row = frame.agg(F.count(F.lit(1)), F.coalesce(F.sum(F.xxhash64(*columns).cast("decimal(38,0)")), F.lit(0))).first()
    return int(row[0]), int(row[1])
