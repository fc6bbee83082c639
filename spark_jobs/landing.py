"""Read one day of raw landing files as records, without interpreting them.

Layout: ``<landing>/<domain>/<source>/ingest_date=YYYY-MM-DD/<file>``; files in
subfolders of the day folder belong to it too (``source_file`` is then ``sub/name``).
A file or folder whose name starts with ``_`` or ``.`` is a marker (``_SUCCESS``,
checksums): counted and logged, never read. Every other file is read, each by its exact
name (no glob expansion: ``ev[1].ndjson`` is that file, not ``ev1.ndjson``), or, when it
cannot be read at all, becomes one record numbered 0 carrying the reason in ``problem``
(see :mod:`spark_jobs.landing_checks`). Blank lines are not records. Every record keeps
its file name and 1-based position so it can be traced back to the exact line, array
element or row it came from.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql.types import IntegerType, StringType, StructField, StructType

from spark_jobs.config import is_s3
from spark_jobs.frames import union_all
from spark_jobs.local_rows import local_frame
from spark_jobs.storage import local_path
from spark_jobs.strict_json import STRICT_JSON, is_strict_json

RECORD_SCHEMA = StructType([StructField("source_file", StringType()), StructField("record_number", IntegerType()),
                            StructField("raw", StringType()), StructField("header", StringType()),
                            StructField("problem", StringType())])
RECORD_COLUMNS = tuple(RECORD_SCHEMA.names)
MARKER_PREFIXES = ("_", ".")
# A record longer than this is kept in bronze as it arrived but is quarantined
# (``oversize_record``) instead of parsed: no source has legitimate records near it.
MAX_RECORD_BYTES = 1024 * 1024
BLANK = r"^[ \t\r]*$"        # JSON whitespace (RFC 8259) without LF, which ends the line
BOM = "\ufeff"
GLOB_CHARACTERS = re.compile(r"([\\\[\]{}*?])")


@dataclass(frozen=True)
class LandingFile:
    """One data file of a landing day folder."""

    path: str         # its Hadoop path, as listed (unescaped)
    name: str         # its path inside the day folder: ``a.ndjson``, ``late/b.ndjson``
    size: int         # bytes as stored (compressed size for a compressed file)

    @property
    def literal(self) -> str:
        """The path with Hadoop's glob characters escaped, so a reader opens exactly this
        file (Hadoop's GlobPattern takes ``\\`` as its escape character)."""
        return GLOB_CHARACTERS.sub(r"\\\1", self.path)


@dataclass(frozen=True)
class LandingDay:
    """The files that arrived for one source on one ingest date."""

    folder: str
    files: list[LandingFile]      # data files, sorted by name, subfolders included
    markers: list[str]            # names of the marker files, which are not read

    @property
    def arrived(self) -> bool:
        return bool(self.files)


def hadoop_uri(uri: str) -> str:
    """A URI Hadoop file systems understand: ``s3://`` → ``s3a://``, plain paths → ``file://``."""
    if is_s3(uri):
        return "s3a://" + uri.split("://", 1)[1]
    if "://" not in uri:
        return "file://" + str(local_path(uri).resolve())
    return uri


def _hadoop_fs(spark: SparkSession, uri: str):
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(uri)
    return path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()), path


def root_exists(spark: SparkSession, landing: str) -> bool:
    fs, path = _hadoop_fs(spark, hadoop_uri(landing))
    return fs.exists(path)


def is_marker(name: str) -> bool:
    """A name inside the day folder any of whose parts starts with ``_`` or ``.``."""
    return any(part.startswith(MARKER_PREFIXES) for part in name.split("/"))


def list_day(spark: SparkSession, landing: str, domain: str, source: str, ingest_date: date) -> LandingDay:
    """Every file under one landing day folder (recursively), sorted by name; a missing
    folder has none."""
    folder = f"{hadoop_uri(landing).rstrip('/')}/{domain}/{source}/ingest_date={ingest_date.isoformat()}"
    fs, path = _hadoop_fs(spark, folder)
    if not fs.exists(path):
        return LandingDay(folder, [], [])
    prefix = fs.makeQualified(path).toString().rstrip("/") + "/"
    listed, found = fs.listFiles(path, True), []
    while listed.hasNext():
        status = listed.next()
        full = status.getPath().toString()
        found.append(LandingFile(full, full[len(prefix):] if full.startswith(prefix) else status.getPath().getName(),
                                 status.getLen()))
    found.sort(key=lambda f: f.name)
    return LandingDay(folder, [f for f in found if not is_marker(f.name)], [f.name for f in found if is_marker(f.name)])


def without_prefix(text: F.Column, prefix: str) -> F.Column:
    """``text`` without a leading ``prefix``. Byte-exact: a regex replacement would decode
    the string and turn bytes that are not UTF-8 into U+FFFD, hiding them from silver."""
    return F.when(text.startswith(prefix), text.substr(F.lit(len(prefix) + 1), F.length(text))).otherwise(text)


def without_suffix(text: F.Column, suffix: str) -> F.Column:
    """``text`` without a trailing ``suffix``, byte-exact (see :func:`without_prefix`)."""
    return F.when(text.endswith(suffix), text.substr(F.lit(1), F.length(text) - len(suffix))).otherwise(text)


def spark_file_path(spark: SparkSession, file: LandingFile) -> str:
    """The file's path as Spark's ``_metadata.file_path`` spells it (a URI, escaped)."""
    return spark.sparkContext._jvm.org.apache.hadoop.fs.Path(file.path).toUri().toString()


def with_file_names(spark: SparkSession, rows: DataFrame, files: list[LandingFile]) -> DataFrame:
    """``rows`` read from several ``files`` at once, with ``source_file`` (the file's name)
    in place of Spark's ``_metadata.file_path``. Reading many files as one relation plans
    in a fraction of the time a union of one read per file takes."""
    names = local_frame(spark, [(spark_file_path(spark, f), f.name) for f in files],
                        StructType([StructField("_path", StringType()), StructField("source_file", StringType())]))
    return rows.join(F.broadcast(names), "_path").drop("_path")


def _text_lines(spark: SparkSession, files: list[LandingFile]) -> DataFrame:
    """The lines of the files (LF-separated; Hadoop decompresses ``.gz`` and other codecs
    by extension and drops a UTF-8 byte order mark at a file's start), with their split's start."""
    lines = spark.read.option("lineSep", "\n").text([f.literal for f in files]).select(
        F.col("_metadata.file_path").alias("_path"), F.col("_metadata.file_block_start").alias("_block"), "value")
    return with_file_names(spark, lines, files)


def _numbered_lines(spark: SparkSession, files: list[LandingFile]) -> DataFrame:
    """Every line of the files (blank ones included) with its 1-based number in its file.

    Files are read as ordinary splittable text, so a large file is read, hashed and
    written by several tasks instead of one. Spark gives each line to exactly one split
    (a split skips its first partial line and finishes its last one), in file order, and
    ``monotonically_increasing_id`` numbers a partition's rows consecutively; a line's
    number is therefore the lines of its file's earlier splits plus its place in its own
    split. Lines end at LF; a CR before it is dropped, as splitting on ``\\r?\\n`` did.
    """
    lines = _text_lines(spark, files).select(
        "source_file", "_block", F.monotonically_increasing_id().alias("_id"),
        without_suffix(F.col("value"), "\r").alias("raw"))
    # One small row per split: where its numbering starts within its file. Computed here,
    # once: left lazy, every action on the records (a check, then the write) would read
    # the files once more to recompute it.
    splits = lines.groupBy("source_file", "_block").agg(F.min("_id").alias("_first_id"),
                                                        F.count(F.lit(1)).alias("_lines"))
    earlier = Window.partitionBy("source_file").orderBy("_block").rowsBetween(Window.unboundedPreceding, -1)
    splits = splits.withColumn("_before", F.coalesce(F.sum("_lines").over(earlier), F.lit(0))).localCheckpoint()
    numbered = lines.join(F.broadcast(splits), ["source_file", "_block"])
    return numbered.select("source_file",
                           (F.col("_before") + F.col("_id") - F.col("_first_id") + 1).cast("int").alias("record_number"),
                           "raw")


def _no_header() -> F.Column:
    return F.lit(None).cast("string")


def read_ndjson(spark: SparkSession, files: list[LandingFile], columns: tuple[str, ...] = ()) -> DataFrame:
    """One record per non-blank line."""
    lines = _numbered_lines(spark, files)
    return lines.where(~F.col("raw").rlike(BLANK)).withColumn("header", _no_header())


def header_cells(line: F.Column) -> F.Column:
    """A header line's column names: split at commas, trimmed, unquoted, lower case."""
    return F.transform(F.split(line, ","), lambda c: F.lower(F.btrim(F.btrim(c, F.lit(" \t")), F.lit('"'))))


def read_csv_rows(spark: SparkSession, files: list[LandingFile], columns: tuple[str, ...] = ()) -> DataFrame:
    """One record per non-blank data line. A file whose first non-blank line names every
    expected column has that line as its header; a file without it (a headerless export,
    a truncated header) has no header, and all its lines are records (silver quarantines
    them as ``missing_header``), so no data line is ever taken for a header."""
    lines = _numbered_lines(spark, files).where(~F.col("raw").rlike(BLANK))
    first = lines.groupBy("source_file").agg(F.min_by("raw", "record_number").alias("_first"),
                                             F.min("record_number").alias("_first_line"))
    expected = F.array(*[F.lit(c) for c in columns])
    first = first.withColumn("_has_header", F.size(F.array_except(expected, header_cells(F.col("_first")))) == 0)
    data = lines.join(F.broadcast(first), "source_file")
    data = data.where(~F.col("_has_header") | (F.col("record_number") > F.col("_first_line")))
    return data.withColumn("header", F.when(F.col("_has_header"), F.col("_first")))


def _whole_text(spark: SparkSession, files: list[LandingFile]) -> DataFrame:
    text = spark.read.text([f.literal for f in files], wholetext=True).select(
        F.col("_metadata.file_path").alias("_path"), without_prefix(F.col("value"), BOM).alias("value"))
    return with_file_names(spark, text, files)


def read_json_array(spark: SparkSession, files: list[LandingFile], columns: tuple[str, ...] = ()) -> DataFrame:
    """One record per element of the file's single JSON array. A file that is not exactly
    one strict JSON array (an object, two arrays back to back, trailing text, invalid
    UTF-8) is one record numbered 0, the whole text, for silver to quarantine."""
    whole = _whole_text(spark, files)
    whole = whole.withColumn("elements", F.when(is_strict_json(F.col("value")) & F.col("value").rlike(r"^\s*\["),
                                                F.from_json("value", "array<string>", STRICT_JSON)))
    elements = (whole.where(F.col("elements").isNotNull())
                .select("source_file", F.posexplode("elements").alias("pos", "raw"))
                .select("source_file", (F.col("pos") + 1).alias("record_number"), "raw"))
    broken = whole.where(F.col("elements").isNull()).select("source_file", F.lit(0).alias("record_number"),
                                                            F.col("value").alias("raw"))
    return elements.unionByName(broken).withColumn("header", _no_header())


def parquet_rows(spark: SparkSession, file: LandingFile) -> DataFrame:
    """One record per row of one Parquet file, kept as a JSON object text. Each file is
    read with its own schema, so two files whose column types differ both land."""
    rows = spark.read.parquet(file.literal)
    return rows.select(
        F.lit(file.name).alias("source_file"),
        (F.col("_metadata.row_index") + 1).cast("int").alias("record_number"),
        F.to_json(F.struct(*[F.col(c) for c in rows.columns])).alias("raw"),
        _no_header().alias("header"),
    )


def is_parquet(file: LandingFile) -> bool:
    return file.name.lower().endswith(".parquet")


def read_parquet_rows(spark: SparkSession, files: list[LandingFile], columns: tuple[str, ...] = ()) -> DataFrame:
    return union_all(parquet_rows(spark, f) for f in files)


def read_ndjson_or_parquet(spark: SparkSession, files: list[LandingFile], columns: tuple[str, ...] = ()) -> DataFrame:
    """A folder mixing NDJSON and Parquet files: ``*.parquet`` as Parquet rows, the rest as lines."""
    parquet = [f for f in files if is_parquet(f)]
    text = [f for f in files if not is_parquet(f)]
    parts = ([read_ndjson(spark, text).select(*RECORD_COLUMNS[:4])] if text else []) + \
            ([read_parquet_rows(spark, parquet).select(*RECORD_COLUMNS[:4])] if parquet else [])
    return union_all(parts)


READERS = {
    "ndjson": read_ndjson,
    "csv": read_csv_rows,
    "json_array": read_json_array,
    "parquet": read_parquet_rows,
    "ndjson_or_parquet": read_ndjson_or_parquet,
}


def with_oversize(records: DataFrame) -> DataFrame:
    """Records as read with ``problem`` = ``oversize_record`` when longer than the limit."""
    too_long = F.octet_length("raw") > MAX_RECORD_BYTES
    return records.withColumn("problem", F.when(too_long, F.lit("oversize_record")).cast("string"))


def file_problem_rows(spark: SparkSession, problems: list[tuple[LandingFile, str, str]]) -> DataFrame:
    """One record numbered 0 per unreadable file: ``raw`` says what went wrong, ``problem`` the reason."""
    return local_frame(spark, [(f.name, 0, detail, None, reason) for f, reason, detail in problems], RECORD_SCHEMA)


def read_records(spark: SparkSession, readable: list[LandingFile], problems: list[tuple[LandingFile, str, str]],
                 fmt: str, columns: tuple[str, ...] = ()) -> DataFrame:
    """The records of the ``readable`` files in the source's format (``columns``: a CSV
    source's expected header) and one record 0 per file of ``problems``
    (:func:`spark_jobs.landing_checks.readable_files`); empty when there are neither."""
    parts = [with_oversize(READERS[fmt](spark, readable, columns).select(*RECORD_COLUMNS[:4]))] if readable else []
    return union_all([*parts, file_problem_rows(spark, problems)]).select(*RECORD_COLUMNS)
