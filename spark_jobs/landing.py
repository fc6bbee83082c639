"""Read one day of raw landing files as records, without interpreting them.

Layout: ``<landing>/<domain>/<source>/ingest_date=YYYY-MM-DD/<file>``. Files whose name
starts with ``_`` or ``.`` are markers (``_SUCCESS``) and are skipped; blank lines are
not records. Every record keeps its file name and 1-based position so it can be traced
back to the exact line, array element or row it came from.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql.types import IntegerType, StringType, StructField, StructType

from spark_jobs.config import is_s3
from spark_jobs.frames import union_all
from spark_jobs.local_rows import local_frame
from spark_jobs.storage import local_path

RECORD_SCHEMA = StructType([StructField("source_file", StringType()), StructField("record_number", IntegerType()),
                            StructField("raw", StringType()), StructField("header", StringType())])
RECORD_COLUMNS = tuple(RECORD_SCHEMA.names)


@dataclass(frozen=True)
class LandingDay:
    """The files that arrived for one source on one ingest date."""

    folder: str
    files: list[str]          # full URIs, markers excluded

    @property
    def arrived(self) -> bool:
        return bool(self.files)


def hadoop_uri(uri: str) -> str:
    """A URI Hadoop file systems understand: ``s3://`` → ``s3a://``, plain paths → ``file://``."""
    if is_s3(uri):
        return "s3a://" + uri.split("://", 1)[1]
    if "://" not in uri:
        return local_path(uri).resolve().as_uri()
    return uri


def _hadoop_fs(spark: SparkSession, uri: str):
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(uri)
    return path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()), path


def root_exists(spark: SparkSession, landing: str) -> bool:
    fs, path = _hadoop_fs(spark, hadoop_uri(landing))
    return fs.exists(path)


def list_day(spark: SparkSession, landing: str, domain: str, source: str, ingest_date: date) -> LandingDay:
    """The data files of one landing folder, sorted by name; a missing folder has none."""
    folder = f"{hadoop_uri(landing).rstrip('/')}/{domain}/{source}/ingest_date={ingest_date.isoformat()}"
    fs, path = _hadoop_fs(spark, folder)
    if not fs.exists(path):
        return LandingDay(folder, [])
    statuses = [s for s in fs.listStatus(path) if s.isFile()]
    names = sorted(s.getPath().getName() for s in statuses)
    return LandingDay(folder, [f"{folder}/{n}" for n in names if not n.startswith(("_", "."))])


def _whole_files(spark: SparkSession, files: list[str]) -> DataFrame:
    """One row per file: its name and full text (JSON arrays are parsed whole)."""
    return spark.read.text(files, wholetext=True).select(_file_name().alias("source_file"), "value")


def _file_name() -> F.Column:
    return F.substring_index(F.input_file_name(), "/", -1)


def _numbered_lines(spark: SparkSession, files: list[str]) -> DataFrame:
    """Every line of the files (blank ones included) with its 1-based number in its file.

    Files are read as ordinary splittable text, so a large file is read, hashed and
    written by several tasks instead of one. Spark gives each line to exactly one split
    (a split skips its first partial line and finishes its last one), in file order, and
    ``monotonically_increasing_id`` numbers a partition's rows consecutively; a line's
    number is therefore the lines of its file's earlier splits plus its place in its own
    split. Lines end at LF; a CR before it is dropped, as splitting on ``\\r?\\n`` did.
    """
    lines = spark.read.option("lineSep", "\n").text(files).select(
        _file_name().alias("source_file"), F.col("_metadata.file_block_start").alias("_block"),
        F.monotonically_increasing_id().alias("_id"), F.regexp_replace("value", "\r\\z", "").alias("raw"))
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


def read_ndjson(spark: SparkSession, files: list[str]) -> DataFrame:
    """One record per non-blank line."""
    lines = _numbered_lines(spark, files)
    return lines.where(F.trim("raw") != "").withColumn("header", F.lit(None).cast("string"))


def read_csv_rows(spark: SparkSession, files: list[str]) -> DataFrame:
    """One record per non-blank data line; the file's first non-blank line is its header."""
    lines = _numbered_lines(spark, files).where(F.trim("raw") != "")
    first = lines.groupBy("source_file").agg(F.min("record_number").alias("header_line"))
    headers = lines.join(first, "source_file").where(F.col("record_number") == F.col("header_line"))
    headers = headers.select("source_file", F.col("raw").alias("header"))
    data = lines.join(first, "source_file").where(F.col("record_number") > F.col("header_line"))
    return data.join(headers, "source_file").select(*RECORD_COLUMNS)


def read_json_array(spark: SparkSession, files: list[str]) -> DataFrame:
    """One record per array element; a file that is not a JSON array is one record (number 0)."""
    whole = _whole_files(spark, files).withColumn("elements", F.from_json("value", "array<string>"))
    elements = (whole.where(F.col("elements").isNotNull())
                .select("source_file", F.posexplode("elements").alias("pos", "raw"))
                .select("source_file", (F.col("pos") + 1).alias("record_number"), "raw"))
    broken = whole.where(F.col("elements").isNull()).select("source_file", F.lit(0).alias("record_number"), F.col("value").alias("raw"))
    return elements.unionByName(broken).withColumn("header", F.lit(None).cast("string"))


def read_parquet_rows(spark: SparkSession, files: list[str]) -> DataFrame:
    """One record per Parquet row, kept as a JSON object text (row_index is 0-based)."""
    rows = spark.read.parquet(*files)
    return rows.select(
        F.element_at(F.split(F.col("_metadata.file_path"), "/"), -1).alias("source_file"),
        (F.col("_metadata.row_index") + 1).cast("int").alias("record_number"),
        F.to_json(F.struct(*[F.col(c) for c in rows.columns])).alias("raw"),
        F.lit(None).cast("string").alias("header"),
    )


def read_ndjson_or_parquet(spark: SparkSession, files: list[str]) -> DataFrame:
    """A folder mixing NDJSON and Parquet files: ``*.parquet`` as Parquet rows, the rest as lines."""
    parquet = [f for f in files if f.lower().endswith(".parquet")]
    text = [f for f in files if not f.lower().endswith(".parquet")]
    parts = ([read_ndjson(spark, text).select(*RECORD_COLUMNS)] if text else []) + \
            ([read_parquet_rows(spark, parquet).select(*RECORD_COLUMNS)] if parquet else [])
    return union_all(parts)


READERS = {
    "ndjson": read_ndjson,
    "csv": read_csv_rows,
    "json_array": read_json_array,
    "parquet": read_parquet_rows,
    "ndjson_or_parquet": read_ndjson_or_parquet,
}


def read_records(spark: SparkSession, day: LandingDay, fmt: str) -> DataFrame:
    """The day's records in the source's format, or an empty frame when nothing arrived."""
    if not day.arrived:
        return local_frame(spark, [], RECORD_SCHEMA)
    return READERS[fmt](spark, day.files).select(*RECORD_COLUMNS)
