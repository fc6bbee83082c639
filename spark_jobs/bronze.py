"""Land one day of a source into its bronze table, shared by every domain.

``bronze <domain>`` lands every source the domain declares. Bronze mirrors the landing
folder of an ingest date: one row per record with its file, position, raw text and a
content hash, MERGEd on (ingest_date, source_file, record_number). Re-running a day
changes nothing; a re-delivered file replaces its earlier records; a record that vanished from the folder is removed.
Records of erased subjects (``privacy.suppressed_subjects``) are dropped before they land
and counted in the run log (:mod:`spark_jobs.privacy.suppression`).
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from spark_jobs.config import Settings
from spark_jobs.domain import Source
from spark_jobs.landing import list_day, read_records
from spark_jobs.landing_checks import readable_files
from spark_jobs.landing_count import landed_records
from spark_jobs.merge import SPREAD_WRITE, mirror, write_rows
from spark_jobs.privacy.suppression import split_suppressed
from spark_jobs.registry import domain
from spark_jobs.run_log import RunRecord, write_run_log
from spark_jobs.side_by_side import run_side_by_side

BRONZE_KEY = ("ingest_date", "source_file", "record_number")


def load_bronze(spark: SparkSession, settings: Settings, source: Source, ingest_date: date) -> RunRecord:
    """MERGE the records of ``ingest_date`` into the source's bronze table."""
    started = datetime.now(timezone.utc).replace(tzinfo=None)
    day = list_day(spark, settings.landing, source.domain, source.name, ingest_date)
    if day.markers:
        print(f"bronze {source.domain}.{source.name} {ingest_date}: {len(day.markers)} marker file(s) not read: "
              f"{', '.join(day.markers[:10])}", flush=True)
    readable, problems = readable_files(spark, day.files, source.fmt)
    for file, reason, detail in problems:
        print(f"bronze {source.domain}.{source.name} {ingest_date}: {file.name} quarantined whole: {reason}: {detail}",
              flush=True)
    records = read_records(spark, readable, problems, source.fmt, source.columns).select(
        F.lit(ingest_date).alias("ingest_date"), "source_file", "record_number", "raw", "header", "problem",
        F.sha2("raw", 256).alias("content_hash"),
        F.lit(started).cast("timestamp").alias("loaded_at"),
    )
    records, suppressed = split_suppressed(spark, settings, domain(source.domain), records)
    # Not cached: a first load reads, hashes and writes the landing files in one pass; a
    # re-run reads them once more to compare.
    write_rows(records, mirror(source.bronze_table, BRONZE_KEY, {"ingest_date": ingest_date},
                               compare=("content_hash", "problem"), write_options=SPREAD_WRITE))  # a file per split
    # Counted apart from the frame written, so a record lost on the way shows as unreconciled.
    records_read = landed_records(spark, readable, len(problems), source.fmt, source.columns)
    rows = spark.table(source.bronze_table).where(F.col("ingest_date") == F.lit(ingest_date)).count()
    dropped = suppressed.count() if suppressed is not None else 0
    return RunRecord(source.domain, "bronze", source.name, ingest_date, len(day.files), records_read, rows, started,
                     records_suppressed=dropped)


def load_sources(spark: SparkSession, settings: Settings, sources: tuple[Source, ...], ingest_date: date) -> None:
    """A domain's bronze stage: every source of ``ingest_date`` (side by side: each writes
    its own table), then one run-log entry each."""
    records = run_side_by_side([lambda source=source: load_bronze(spark, settings, source, ingest_date)
                                for source in sources])
    write_run_log(spark, records)
    for r in records:
        print(f"bronze {r.domain}.{r.source:<16} {ingest_date}  files={r.files}  read={r.records_read}  "
              f"in_bronze={r.rows_in_table}  suppressed={r.records_suppressed}  reconciled={r.reconciled}")


def run(spark: SparkSession, settings: Settings, ingest_date: date, domain_name: str) -> None:
    """``bronze <domain>``: every declared source of the domain for ``ingest_date``."""
    load_sources(spark, settings, domain(domain_name).sources, ingest_date)
