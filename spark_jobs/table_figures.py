"""What an Iceberg table holds, read from its metadata (no scan): snapshots and files.

Maintenance prints these before and after its run; they come from the table's metadata
file and main's snapshot summary, so reading them costs no Spark job.
"""
from __future__ import annotations

from dataclasses import dataclass

from pyspark.sql import SparkSession


@dataclass(frozen=True)
class TableFigures:
    """A table's size at one moment.

    ``snapshots``: every snapshot the metadata still lists (all branches and tags; each is
    a state time travel can read). ``data_files``, ``delete_files``, ``bytes``: the files
    main's current state is made of (Parquet data files, position-delete files that hide
    rows of them, and their total size)."""

    snapshots: int
    data_files: int
    delete_files: int
    bytes: int

    def __add__(self, other: "TableFigures") -> "TableFigures":
        return TableFigures(self.snapshots + other.snapshots, self.data_files + other.data_files,
                            self.delete_files + other.delete_files, self.bytes + other.bytes)


NO_FIGURES = TableFigures(0, 0, 0, 0)


def load_table(spark: SparkSession, table: str):
    """The Java Iceberg ``Table`` of ``namespace.table`` in the lake catalog, refreshed
    (the catalog's cached copy may predate a commit of this or another process)."""
    jvm = spark.sparkContext._jvm
    # Catalogs resolve through the JVM thread's active session.
    jvm.org.apache.spark.sql.SparkSession.setActiveSession(spark._jsparkSession)
    iceberg = jvm.org.apache.iceberg.spark.Spark3Util.loadIcebergTable(spark._jsparkSession, table)
    iceberg.refresh()
    return iceberg


def java_count(spark: SparkSession, iterable) -> int:
    """How many elements a Java ``Iterable`` has (counted in the JVM, not copied over)."""
    return spark.sparkContext._jvm.org.apache.iceberg.relocated.com.google.common.collect.Iterables.size(iterable)


def table_figures(spark: SparkSession, table: str) -> TableFigures:
    """Snapshots the table lists, and main's data files, delete files and bytes."""
    iceberg = load_table(spark, table)
    snapshots = java_count(spark, iceberg.snapshots())
    current = iceberg.currentSnapshot()
    if current is None:
        return TableFigures(snapshots, 0, 0, 0)
    summary = current.summary()

    def total(key: str) -> int:
        return int(summary.get(key) or 0)

    return TableFigures(snapshots, total("total-data-files"), total("total-delete-files"), total("total-files-size"))
