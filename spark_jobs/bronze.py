"""Land ingest dates of a source into its bronze table, shared by every domain.

``bronze <domain>`` lands every source the domain declares. Bronze mirrors the landing
folder of each ingest date: one row per record with its file, position, raw text and a
content hash, MERGEd on (ingest_date, source_file, record_number). Re-running a date
changes nothing; a re-delivered file replaces its earlier records; a record that
vanished from the folder is removed. A range of dates is read and written as one batch
(one read of all their files, one commit), with each date's figures in the run log as
if it had run alone.
Records of erased subjects (``privacy.suppressed_subjects``) are dropped before they land
and counted in the run log (:mod:`spark_jobs.privacy.suppression`).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timezone

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from spark_jobs.config import Settings
from spark_jobs.domain import Source
from spark_jobs.ingest_dates import dates_between, in_dates, rows_per_date
from spark_jobs.landing import LandingFile, list_day, read_records
from spark_jobs.landing_checks import readable_files
from spark_jobs.landing_count import landed_records
from spark_jobs.merge import SPREAD_WRITE, mirror, write_rows
from spark_jobs.privacy.suppression import split_suppressed
from spark_jobs.registry import domain
from spark_jobs.run_log import RunRecord, write_run_log
from spark_jobs.side_by_side import run_side_by_side

BRONZE_KEY = ("ingest_date", "source_file", "record_number")
RUNS_ONCE_PER_RANGE = True   # a range of dates is one read and one commit per source


def dated(file: LandingFile, ingest_date: date) -> LandingFile:
    """``file`` named ``<date>/<name>``: files of several dates read together keep their
    date through the reader, which knows a record only by its file's name."""
    return replace(file, name=f"{ingest_date.isoformat()}/{file.name}")


def undated(records: DataFrame) -> DataFrame:
    """Records of :func:`dated` files with ``ingest_date`` and their own file name again."""
    date_part = len("YYYY-MM-DD")
    return (records.withColumn("ingest_date", F.to_date(F.substring("source_file", 1, date_part)))
            .withColumn("source_file", F.expr(f"substr(source_file, {date_part + 2})")))


def load_bronze_dates(spark: SparkSession, settings: Settings, source: Source,
                      days: Sequence[date]) -> list[RunRecord]:
    """MERGE the records of the ingest ``days`` into the source's bronze table."""
    started = datetime.now(timezone.utc).replace(tzinfo=None)
    readable, problems, listed = [], [], {}
    for day in days:
        folder = list_day(spark, settings.landing, source.domain, source.name, day)
        if folder.markers:
            print(f"bronze {source.domain}.{source.name} {day}: {len(folder.markers)} marker file(s) not read: "
                  f"{', '.join(folder.markers[:10])}", flush=True)
        good, bad = readable_files(spark, folder.files, source.fmt)
        for file, reason, detail in bad:
            print(f"bronze {source.domain}.{source.name} {day}: {file.name} quarantined whole: {reason}: {detail}",
                  flush=True)
        listed[day] = (good, len(bad), len(folder.files))
        readable += [dated(f, day) for f in good]
        problems += [(dated(f, day), reason, detail) for f, reason, detail in bad]
    records = undated(read_records(spark, readable, problems, source.fmt, source.columns)).select(
        "ingest_date", "source_file", "record_number", "raw", "header", "problem",
        F.sha2("raw", 256).alias("content_hash"),
        F.lit(started).cast("timestamp").alias("loaded_at"),
    )
    records, suppressed = split_suppressed(spark, settings, domain(source.domain), records)
    # Not cached: a first load reads, hashes and writes the landing files in one pass; a
    # re-run reads them once more to compare.
    write_rows(records, mirror(source.bronze_table, BRONZE_KEY, {"ingest_date": tuple(days)},
                               compare=("content_hash", "problem"), write_options=SPREAD_WRITE))  # a file per split
    rows = rows_per_date(spark.table(source.bronze_table).where(in_dates(days)))
    dropped = rows_per_date(suppressed) if suppressed is not None else {}
    # Counted apart from the frame written, so a record lost on the way shows as unreconciled.
    read = landed_records(spark, {day: good for day, (good, _, _) in listed.items()},
                          {day: unreadable for day, (_, unreadable, _) in listed.items()}, source.fmt, source.columns)
    return [RunRecord(source.domain, "bronze", source.name, day, files, read[day], rows.get(day, 0), started,
                      records_suppressed=dropped.get(day, 0))
            for day, (_, _, files) in listed.items()]


def load_bronze(spark: SparkSession, settings: Settings, source: Source, ingest_date: date) -> RunRecord:
    """MERGE the records of ``ingest_date`` into the source's bronze table."""
    return load_bronze_dates(spark, settings, source, [ingest_date])[0]


def load_sources(spark: SparkSession, settings: Settings, sources: tuple[Source, ...], days: Sequence[date]) -> None:
    """A domain's bronze stage: every source over the ingest ``days`` (side by side: each
    writes its own table), then one run-log entry per source and date."""
    records = [r for per_source in run_side_by_side(
        [lambda source=source: load_bronze_dates(spark, settings, source, days) for source in sources])
        for r in per_source]
    write_run_log(spark, records)
    for r in sorted(records, key=lambda r: (r.ingest_date, r.source)):
        print(f"bronze {r.domain}.{r.source:<16} {r.ingest_date}  files={r.files}  read={r.records_read}  "
              f"in_bronze={r.rows_in_table}  suppressed={r.records_suppressed}  reconciled={r.reconciled}")


def run(spark: SparkSession, settings: Settings, ingest_date: date, domain_name: str,
        first_date: date | None = None) -> None:
    """``bronze <domain>``: every declared source of the domain for the ingest dates
    ``first_date`` (default ``ingest_date``) .. ``ingest_date``."""
    load_sources(spark, settings, domain(domain_name).sources, dates_between(first_date or ingest_date, ingest_date))
