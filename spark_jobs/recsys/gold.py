"""``gold.training_input`` for one ingest date: the rankings it delivered and the
rankings whose customer's history it changed.

One row per element of the winning delivery of a (dt, ranking_id) — the greatest
(ingest_date, source_file, record_number) — with the customer's history before dt as
the history job prepared it (``silver.recsys_impression_histories``), zero-padded to
1000. Rows of a rebuilt ranking that no longer exist (a shorter or empty re-delivery)
are deleted. Every impression dt is built, whatever its distance from the run date.
"""
from __future__ import annotations

from datetime import date

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from spark_jobs.config import Settings
from spark_jobs.gold import GoldModel, pending_dates
from spark_jobs.merge import owned_keys, write_rows
from spark_jobs.recsys.rankings import carousels, keys_to_build
from spark_jobs.recsys.tables import HISTORIES, TRAINING_INPUT
from spark_jobs.recsys.training import training_rows
from spark_jobs.sql_literals import values_in

KEY = GoldModel.declared("recsys", "training_input").keys
WRITE_ORDER = "customer_id, ranking_id, position"


def ensure_write_order(spark: SparkSession) -> None:
    """Rows of one carousel share a history: stored side by side they compress to ~one copy."""
    props = {r[0]: r[1] for r in spark.sql(f"SHOW TBLPROPERTIES {TRAINING_INPUT}").collect()}
    if "customer_id" not in props.get("sort-order", ""):
        spark.sql(f"ALTER TABLE {TRAINING_INPUT} WRITE ORDERED BY {WRITE_ORDER}")


def rebuild(spark: SparkSession, keys: DataFrame, dts: list[date]) -> None:
    """Replace the rows of ``keys`` with freshly built ones (rows that vanished are deleted)."""
    dt_in = F.col("dt").isin(dts)
    rows = training_rows(carousels(spark, keys), spark.table(HISTORIES).where(dt_in))
    stale = spark.table(TRAINING_INPUT).join(keys, ["dt", "ranking_id"]).select(*KEY)
    rows = rows.select(*spark.table(TRAINING_INPUT).columns)
    write_rows(rows, owned_keys(TRAINING_INPUT, KEY, stale, prune=values_in("t.dt", dts)))


RUNS_ONCE_PER_RANGE = True  # builds every pending date, so a range needs one build


def run(spark: SparkSession, settings: Settings, ingest_date: date, first_date: date | None = None) -> None:
    """Build on the audit branch; ``quality.publish recsys`` makes it visible. Dates whose
    earlier gold was never published (a failed gate) are rebuilt too."""
    from spark_jobs.quality.domains import gold_tables
    from spark_jobs.quality.wap import reset_audit, writing_to_audit

    ensure_write_order(spark)
    reset_audit(spark, gold_tables("recsys"))
    dates = pending_dates(spark, "recsys", ingest_date)
    keys = keys_to_build(spark, dates).cache()
    try:
        dts = sorted(r.dt for r in keys.select("dt").distinct().collect())
        if dts:
            with writing_to_audit(spark):
                rebuild(spark, keys, dts)
        print(f"gold recsys {ingest_date}  ingest dates {len(dates)}  rankings rebuilt={keys.count()}  dts={len(dts)}")
    finally:
        keys.unpersist()
