"""The recsys report: how much training input each day holds, then the quality of the run's data.

Training-input figures are counted per ``dt`` partition in Spark (only ``dt`` and
``history_length`` are read, never the 1000-long arrays) for every published day from
the start of the report's window on; bytes come from the table's ``data_files`` metadata. Quarantine and run-log
sections are shared with every domain (:mod:`spark_jobs.reports.common`).
"""
from __future__ import annotations

from datetime import date

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from spark_jobs.recsys.tables import TRAINING_INPUT
from spark_jobs.reports.common import (daily_ticks, quarantine_section, reconciliation_section, rows,
                                       window_start)
from spark_jobs.reports.page import Section, Table


def training_days(spark: SparkSession, since: date) -> list[dict]:
    """Per dt >= since: training rows (one per impression), rows with any history, mean history length."""
    return rows(spark.table(TRAINING_INPUT).where(F.col("dt") >= F.lit(since)).groupBy("dt").agg(
        F.count(F.lit(1)).alias("rows"),
        F.sum(F.when(F.col("history_length") > 0, 1).otherwise(0)).alias("with_history"),
        F.round(F.avg("history_length"), 1).alias("mean_history")).orderBy("dt"))


def data_file_bytes(spark: SparkSession, since: date) -> dict[str, int]:
    """Bytes of the live data files per dt >= since (rows a merge-on-read rebuild
    superseded stay in them until compaction)."""
    files = spark.table(f"{TRAINING_INPUT}.data_files").select(F.col("partition.dt").alias("dt"), "file_size_in_bytes")
    return {r["dt"]: r["bytes"] for r in rows(files.where(F.col("dt") >= F.lit(since))
                                               .groupBy("dt").agg(F.sum("file_size_in_bytes").alias("bytes")))}


def training_section(spark: SparkSession, first_date: date, last_date: date) -> Section:
    import plotly.graph_objects as go

    since = window_start(first_date, last_date)
    days = training_days(spark, since)
    size = data_file_bytes(spark, since) if days else {}
    dts = [d["dt"] for d in days]
    figure = go.Figure([
        go.Bar(name="training rows (impressions)", x=dts, y=[d["rows"] for d in days]),
        go.Bar(name="with a history", x=dts, y=[d["with_history"] for d in days]),
        go.Scatter(name="mean history length", x=dts, y=[d["mean_history"] for d in days], mode="lines+markers",
                   yaxis="y2"),
    ])
    figure.update_layout(barmode="group", xaxis_title="dt (impression day)", yaxis_title="rows",
                         yaxis2=dict(title="actions (of 1000)", overlaying="y", side="right", rangemode="tozero"))
    daily_ticks(figure, dts)
    table = Table(("dt", "rows", "with a history", "mean history length", "MiB in data files"),
                  [(d["dt"], d["rows"], d["with_history"], d["mean_history"], round(size.get(d["dt"], 0) / 2**20, 2))
                   for d in days])
    return Section("Training input per day",
                   "One row of gold.training_input per carousel impression of day dt; \"with a history\" counts the "
                   "impressions whose customer acted within the lookback before dt, and the mean history length is "
                   f"the real actions of its 1000 slots (gold as published on main, days from {since} on).",
                   figure=figure if days else None, table=table)


def sections(spark: SparkSession, first_date: date, last_date: date) -> list[Section]:
    return [
        training_section(spark, first_date, last_date),
        quarantine_section(spark, "recsys", first_date, last_date),
        reconciliation_section(spark, "recsys", first_date, last_date),
    ]
