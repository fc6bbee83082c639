"""``ops.run_log``: what each run read from landing and what its target table holds."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from pyspark.sql import SparkSession

from spark_jobs.local_rows import local_frame
from spark_jobs.merge import RowWrite, write_rows


@dataclass(frozen=True)
class RunRecord:
    domain: str
    stage: str
    source: str
    ingest_date: date
    files: int
    records_read: int
    rows_in_table: int
    started_at: datetime
    records_suppressed: int = 0     # records of erased subjects bronze dropped

    @property
    def reconciled(self) -> bool:
        return self.records_read == self.rows_in_table + self.records_suppressed


def write_run_log(spark: SparkSession, records: list[RunRecord]) -> None:
    """Upsert the latest run per (domain, stage, source, ingest_date)."""
    run_id = spark.sparkContext.applicationId
    finished = datetime.now(timezone.utc).replace(tzinfo=None)
    rows = [(r.domain, r.stage, r.source, r.ingest_date, run_id, r.files, r.records_read,
             r.rows_in_table, r.reconciled, r.started_at, finished, r.records_suppressed) for r in records]
    frame = local_frame(spark, rows, spark.table("ops.run_log").schema)
    write_rows(frame, RowWrite("ops.run_log", ("domain", "stage", "source", "ingest_date")))
