"""Which landing files can be read at all, decided per file before any Spark job runs.

A file Spark cannot read would fail the whole domain-day on every retry, so each file is
tried first, in the driver, and one that fails becomes a file-level quarantine record
(``record_number`` 0) with one of these reasons:

- ``unreadable_compressed_file``: a compressed file (by extension: ``.gz``, ``.bz2``,
  ``.deflate``, … as Hadoop decides) whose stream does not decompress to its end, e.g. a
  truncated ``.gz``. The stream is decompressed once to check, inside the JVM.
- ``file_too_large``: a file read whole (a JSON array) over :data:`MAX_WHOLE_FILE_BYTES`
  uncompressed; held in one string, it would exhaust the executor.
- ``unreadable_parquet``: a ``.parquet`` file whose footer or schema Spark cannot read:
  not Parquet at all, or a type Spark does not support (pyarrow's default nanosecond
  timestamps, ``TIMESTAMP(NANOS)``).

The record's ``raw`` holds the error's own message, so the quarantine row says what broke.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from py4j.protocol import Py4JJavaError
from pyspark.errors import PySparkException
from pyspark.sql import SparkSession

if TYPE_CHECKING:
    from spark_jobs.landing import LandingFile

MAX_WHOLE_FILE_BYTES = 256 * 1024 * 1024
WHOLE_FILE_FORMATS = ("json_array",)
PARQUET_FORMATS = ("parquet", "ndjson_or_parquet")
Problem = tuple[str, str]      # (reason, what went wrong)


def error_message(error: Exception) -> str:
    """The innermost Java cause's message (or the Python one), on one line, bounded."""
    cause = getattr(error, "java_exception", None)
    if cause is None:
        return " ".join(str(error).split())[:500]
    while cause.getCause() is not None:
        cause = cause.getCause()
    return " ".join(str(cause.toString()).split())[:500]


def _codec(spark: SparkSession, path):
    factory = spark.sparkContext._jvm.org.apache.hadoop.io.compress.CompressionCodecFactory
    return factory(spark.sparkContext._jsc.hadoopConfiguration()).getCodec(path)


def decompressed_bytes(spark: SparkSession, file: LandingFile) -> int | Problem:
    """The file's size once decompressed (its stored size when not compressed), or the
    problem that stops it decompressing to the end."""
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(file.path)
    codec = _codec(spark, path)
    if codec is None:
        return file.size
    try:
        stream = codec.createInputStream(path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).open(path))
        try:
            return jvm.org.apache.commons.io.IOUtils.consume(stream)
        finally:
            stream.close()
    except Py4JJavaError as error:
        return "unreadable_compressed_file", error_message(error)


def parquet_problem(spark: SparkSession, file: LandingFile) -> Problem | None:
    """Why Spark cannot read the Parquet file's schema, or None."""
    try:
        spark.read.parquet(file.literal).schema
    except (Py4JJavaError, PySparkException) as error:
        return "unreadable_parquet", error_message(error)
    return None


def file_problem(spark: SparkSession, file: LandingFile, fmt: str) -> Problem | None:
    """Why ``file`` cannot be read in format ``fmt``, or None when it can."""
    size = decompressed_bytes(spark, file)
    if isinstance(size, tuple):
        return size
    if fmt in WHOLE_FILE_FORMATS and size > MAX_WHOLE_FILE_BYTES:
        return "file_too_large", f"{size} bytes uncompressed, over the {MAX_WHOLE_FILE_BYTES}-byte limit of a {fmt} file"
    if fmt in PARQUET_FORMATS and (fmt == "parquet" or file.name.lower().endswith(".parquet")):
        return parquet_problem(spark, file)
    return None


def readable_files(spark: SparkSession, files: list[LandingFile], fmt: str
                   ) -> tuple[list[LandingFile], list[tuple[LandingFile, str, str]]]:
    """(files that can be read, (file, reason, what went wrong) for each that cannot)."""
    readable, problems = [], []
    for file in files:
        problem = file_problem(spark, file, fmt)
        if problem is None:
            readable.append(file)
        else:
            problems.append((file, *problem))
    return readable, problems
