"""Rows of a large table whose keys are among a small frame of keys, read from the data
files that can hold them.

A daily run looks up stored rows of the day's keys: other days' versions of them, the
purchases its refunds name, their existing conflicts, their rows in a MERGE target. A
plain semi-join reads every data file of the table and shuffles it against the keys, so
its cost grows with every day of history. Iceberg can skip a data file without opening
it, but only for a static filter, which it evaluates against each file's column bounds
kept in the manifests: the keys of a join reach it only as runtime filters, which Iceberg
evaluates against partition values alone (``SparkBatchQueryScan.filter``), and an IN list
only up to 200 values (``InclusiveMetricsEvaluator``). Hence:

- the keys' bounds, each key column's min and max, are the static filter
  (:func:`key_bounds`). Keys that grow with time — the generator's sequential event ids,
  time-ordered ids such as ULID or UUIDv7, dates — give each day's files a narrow range,
  and every older file whose range lies outside is never read. For random keys (UUIDv4)
  every file's range spans everything and the bounds skip nothing: the lookup then reads
  the table once, as before, without the shuffle;
- the semi-join takes the keys broadcast, so the rows are filtered where they are read
  and only the matches leave the scan.

A key column's bounds are taken over its non-null values: a null key never equals
anything, so it needs no file.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import reduce
from typing import NamedTuple

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from spark_jobs.sql_literals import sql_literal, values_in

# Broadcasting a key frame costs driver and executor memory (~60 bytes a string key);
# beyond this many keys Spark picks the join itself.
BROADCAST_KEYS = 2_000_000
# Iceberg evaluates an IN list against file bounds only up to 200 values; beyond that a
# range prunes more than a list that prunes nothing.
ICEBERG_IN_LIMIT = 200


class KeyBounds(NamedTuple):
    """How many distinct key rows a frame holds, and each key column's (min, max)."""

    count: int
    bounds: dict[str, tuple[object, object]]

    @property
    def matches_nothing(self) -> bool:
        """No key row, or a key column with no value: no row can be equal to one."""
        return self.count == 0 or any(low is None for low, _ in self.bounds.values())

    def filter(self) -> Column:
        """Every key column within its bounds (a Column, pushed down to Iceberg)."""
        return reduce(Column.__and__, (F.col(c).between(F.lit(low), F.lit(high))
                                       for c, (low, high) in self.bounds.items()))

    def predicate(self, alias: str = "t.") -> str:
        """The same as SQL over ``alias``-prefixed columns (a MERGE's prune predicate)."""
        return " AND ".join(f"{alias}{c} BETWEEN {sql_literal(low)} AND {sql_literal(high)}"
                            for c, (low, high) in self.bounds.items())


def key_bounds(keys: DataFrame, columns: Sequence[str]) -> KeyBounds:
    """One pass over ``keys`` (materialise it first: it is read again by the lookup)."""
    aggregates = [F.count_distinct(*[F.col(c) for c in columns]).alias("_n")]
    aggregates += [f(c).alias(f"_{f.__name__}_{i}") for i, c in enumerate(columns) for f in (F.min, F.max)]
    row = keys.agg(*aggregates).first()
    return KeyBounds(int(row["_n"]), {c: (row[f"_min_{i}"], row[f"_max_{i}"]) for i, c in enumerate(columns)})


def rows_of_keys(table: DataFrame, keys: DataFrame, columns: Sequence[str]) -> DataFrame:
    """The rows of ``table`` whose ``columns`` equal those of a row of ``keys`` (see the
    module docstring for what is read)."""
    columns = list(columns)
    bounds = key_bounds(keys, columns)
    if bounds.matches_nothing:
        return table.where(F.lit(False))
    wanted = keys.select(*columns).distinct()
    if bounds.count <= BROADCAST_KEYS:
        wanted = F.broadcast(wanted)
    return table.where(bounds.filter()).join(wanted, columns, "left_semi")


def dates_predicate(dates: Sequence[date | None], column: str) -> str | None:
    """A predicate over ``column`` covering exactly ``dates`` (None if there are none): an
    IN list, which Iceberg checks against every file's date bounds, so a late event adds
    the files that can hold its date, not every file between it and today. Beyond
    Iceberg's IN limit, the range of the dates."""
    known = sorted({d for d in dates if d is not None})
    parts = []
    if len(known) > ICEBERG_IN_LIMIT:
        parts.append(f"{column} BETWEEN {sql_literal(known[0])} AND {sql_literal(known[-1])}")
    elif known:
        parts.append(values_in(column, known))
    if len(known) < len(set(dates)):
        parts.append(f"{column} IS NULL")
    return " OR ".join(parts) or None
