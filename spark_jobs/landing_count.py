"""How many records landed, counted apart from the reader that writes bronze.

``ops.run_log`` compares this count with the rows bronze holds afterwards, so a record
lost on the way to the table (a path read as a glob, a line taken for a header, a split
numbered twice) shows as ``reconciled = false``. The counts are plain and computed
another way than :mod:`spark_jobs.landing` computes its records:

- lines (NDJSON, CSV): one scan of all the files together counting non-blank lines, no
  numbering; a CSV file whose first non-blank line names every expected column has one
  record fewer (that first line is read here in the driver, straight from the file);
- JSON arrays: ``json_array_length`` of the whole text of a file that is one strict
  array, else 1 (the file is one record);
- Parquet: each file's row count from its footer;
- a file that cannot be read at all: 1.

Counts are kept per file (Spark's ``_metadata.file_path`` of each row), so the files of
a range of ingest dates are scanned together and still counted date by date.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from spark_jobs.errors import ShoplakeError
from spark_jobs.landing import BOM, LandingFile, is_parquet, spark_file_path, without_prefix
from spark_jobs.strict_json import is_strict_json

LINE_FORMATS = ("ndjson", "csv")
NON_BLANK = "[^ \t\r]"
FIRST_LINES_READ = 10_000       # blank lines tolerated before a CSV file's first line


def _all_files(spark: SparkSession, files: list[LandingFile], wholetext: bool = False):
    # recursiveFileLookup: files of several subfolders without partition discovery.
    reader = spark.read.option("recursiveFileLookup", "true")
    if not wholetext:
        reader = reader.option("lineSep", "\n")
    return reader.text([f.literal for f in files], wholetext=wholetext)


def _per_file(spark: SparkSession, files: list[LandingFile], counted: DataFrame) -> dict[LandingFile, int]:
    """``counted`` (file_path, n) rows as a count per file (0 for a file without rows).
    A row of a path that is none of ``files`` stops the run: it would be a record read
    but counted for no date."""
    by_path = {r[0]: r[1] or 0 for r in counted.collect()}
    paths = {f: spark_file_path(spark, f) for f in files}
    unknown = set(by_path) - set(paths.values())
    if unknown:
        raise ShoplakeError(f"landing count: {len(unknown)} file(s) read that were not listed, e.g. {min(unknown)}")
    return {f: by_path.get(path, 0) for f, path in paths.items()}


def non_blank_lines(spark: SparkSession, files: list[LandingFile]) -> dict[LandingFile, int]:
    if not files:
        return {}
    lines = _all_files(spark, files).where(F.col("value").rlike(NON_BLANK))
    return _per_file(spark, files, lines.groupBy("_metadata.file_path").count())


def first_line(spark: SparkSession, file: LandingFile) -> str | None:
    """The file's first non-blank line, read through Hadoop in the driver (decompressed)."""
    jvm = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    path = jvm.org.apache.hadoop.fs.Path(file.path)
    stream = path.getFileSystem(conf).open(path)
    codec = jvm.org.apache.hadoop.io.compress.CompressionCodecFactory(conf).getCodec(path)
    if codec is not None:
        stream = codec.createInputStream(stream)
    reader = jvm.java.io.BufferedReader(jvm.java.io.InputStreamReader(stream, "UTF-8"))
    try:
        for _ in range(FIRST_LINES_READ):
            line = reader.readLine()
            if line is None:
                return None
            line = line.removeprefix(BOM).rstrip("\r")
            if line.strip(" \t\r"):
                return line
        return None
    finally:
        reader.close()


def names_every_column(line: str | None, columns: tuple[str, ...]) -> bool:
    """Whether a CSV line's cells (trimmed, unquoted, any case) include every column name."""
    cells = {cell.strip(" \t").strip('"').lower() for cell in (line or "").split(",")}
    return line is not None and set(columns) <= cells


def csv_headers(spark: SparkSession, files: list[LandingFile], columns: tuple[str, ...]) -> dict[LandingFile, int]:
    """1 for each CSV file that starts with the expected header, else 0."""
    return {f: int(names_every_column(first_line(spark, f), columns)) for f in files}


def array_elements(spark: SparkSession, files: list[LandingFile]) -> dict[LandingFile, int]:
    if not files:
        return {}
    text = without_prefix(F.col("value"), BOM)
    is_array = is_strict_json(text) & text.rlike(r"^\s*\[")
    per_file = F.when(is_array, F.json_array_length(text)).otherwise(F.lit(1))
    return _per_file(spark, files, _all_files(spark, files, wholetext=True).groupBy("_metadata.file_path")
                     .agg(F.sum(per_file)))


def parquet_rows(spark: SparkSession, files: list[LandingFile]) -> dict[LandingFile, int]:
    return {f: spark.read.parquet(f.literal).count() for f in files}


def landed_records(spark: SparkSession, readable: Mapping[date, list[LandingFile]], unreadable: Mapping[date, int],
                   fmt: str, columns: tuple[str, ...] = ()) -> dict[date, int]:
    """Records per ingest date: the date's ``readable`` files counted in format ``fmt``,
    plus one per ``unreadable`` file of the date."""
    files = [f for listed in readable.values() for f in listed]
    parquet = [f for f in files if fmt == "parquet" or (fmt == "ndjson_or_parquet" and is_parquet(f))]
    text = [f for f in files if f not in parquet]
    if fmt == "json_array":
        counts = array_elements(spark, text)
    else:
        counts = {**non_blank_lines(spark, text), **parquet_rows(spark, parquet)}
        if fmt == "csv":
            headers = csv_headers(spark, text, columns)
            counts = {f: n - headers.get(f, 0) for f, n in counts.items()}
    return {day: unreadable.get(day, 0) + sum(counts[f] for f in listed) for day, listed in readable.items()}
