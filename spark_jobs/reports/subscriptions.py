"""The subscriptions report: published gold over time, then the quality of the run's data.

Gold tables are read whole (one row per day, month or cohort-week cell: small); the
cohort heatmap keeps the latest :data:`COHORTS` cohorts. The data-quality sections read
``ops.dq_metrics`` (what silver recorded per ingest date), ``quarantine.records`` and
``ops.run_log`` — aggregates only, no user appears on the page.
"""
from __future__ import annotations

from datetime import date

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from spark_jobs.reports.common import (between, daily_ticks, quarantine_section, reconciliation_section,
                                       rows, window_start, window_text)
from spark_jobs.reports.page import Section, Table

COHORTS = 26          # cohort weeks shown in the heatmap: half a year
SPLIT = ("silver_rows", "duplicates", "conflicts", "quarantined")   # where silver's bronze records went


def dau_section(spark: SparkSession) -> Section:
    import plotly.graph_objects as go

    dau = rows(spark.table("gold.daily_active_users").orderBy("event_date"))
    figure = go.Figure(go.Scatter(name="DAU", x=[r["event_date"] for r in dau], y=[r["dau"] for r in dau],
                                  mode="lines+markers"))
    figure.update_layout(xaxis_title="event date (UTC)", yaxis_title="users")
    daily_ticks(figure, [r["event_date"] for r in dau])
    return Section("Daily active users",
                   "Distinct users with at least one valid event on each UTC day (gold.daily_active_users, "
                   "as published on main), whatever day the events arrived.",
                   figure=figure if dau else None)


def revenue_section(spark: SparkSession) -> Section:
    import plotly.graph_objects as go

    gross = spark.table("gold.daily_revenue_gross").select("event_date", "gross_revenue_usd")
    net = spark.table("gold.daily_revenue_net").select("event_date", "refunds_usd", "net_revenue_usd")
    daily = rows(gross.join(net, "event_date", "full").orderBy("event_date"))
    days = [r["event_date"] for r in daily]
    figure = go.Figure([
        go.Scatter(name="gross", x=days, y=[r["gross_revenue_usd"] for r in daily], mode="lines"),
        go.Scatter(name="net", x=days, y=[r["net_revenue_usd"] for r in daily], mode="lines"),
        go.Bar(name="refunds", x=days, y=[r["refunds_usd"] for r in daily], opacity=0.6),
    ])
    figure.update_layout(xaxis_title="purchase date (UTC)", yaxis_title="USD")
    daily_ticks(figure, days)
    return Section("Revenue",
                   "Purchases per UTC day in USD (gold.daily_revenue_gross), the refunds of those purchases, "
                   "each capped at its purchase's amount, and net = gross − refunds (gold.daily_revenue_net).",
                   figure=figure if daily else None)


def mrr_section(spark: SparkSession) -> Section:
    import plotly.graph_objects as go

    daily = rows(spark.table("gold.mrr_daily").orderBy("date"))
    monthly = rows(spark.table("gold.mrr_monthly").orderBy("month"))
    figure = go.Figure([
        go.Scatter(name="MRR (USD)", x=[r["date"] for r in daily], y=[r["mrr_usd"] for r in daily], mode="lines"),
        go.Scatter(name="active subscriptions", x=[r["date"] for r in daily],
                   y=[r["active_subscriptions"] for r in daily], mode="lines", yaxis="y2", line=dict(dash="dot")),
    ])
    figure.update_layout(xaxis_title="date", yaxis_title="USD per month",
                         yaxis2=dict(title="subscriptions", overlaying="y", side="right", rangemode="tozero"))
    daily_ticks(figure, [r["date"] for r in daily])
    return Section("Monthly recurring revenue",
                   "MRR on each day: the monthly price in USD of the subscriptions active that day, at most one "
                   "per user (gold.mrr_daily); the table gives each month's MRR on its last day (gold.mrr_monthly).",
                   figure=figure if daily else None,
                   table=Table(("month", "MRR (USD) on its last day"), [(r["month"][:7], r["mrr_usd"]) for r in monthly]))


def cohort_section(spark: SparkSession) -> Section:
    import plotly.graph_objects as go

    table = spark.table("gold.weekly_cohort_retention")
    latest = [r["cohort_week"] for r in rows(table.select("cohort_week").distinct()
                                             .orderBy(F.desc("cohort_week")).limit(COHORTS))]
    cells = rows(table.where(F.col("cohort_week").isin(*latest)).orderBy("cohort_week", "week_number")) if latest else []
    cohorts = sorted({r["cohort_week"] for r in cells})
    size = {r["cohort_week"]: r["cohort_size"] for r in cells}
    weeks = list(range(max((r["week_number"] for r in cells), default=-1) + 1))
    rate = {(r["cohort_week"], r["week_number"]): r["retention_rate"] for r in cells}
    z = [[rate.get((c, w)) for w in weeks] for c in cohorts]
    figure = go.Figure(go.Heatmap(
        z=z, x=[f"week {w}" for w in weeks], y=[f"{c} ({size[c]} users)" for c in cohorts],
        text=[[f"{v:.0%}" if v is not None else "" for v in row] for row in z], texttemplate="%{text}",
        colorscale="Blues", zmin=0, zmax=1, colorbar=dict(title="retained", tickformat=".0%"),
        hovertemplate="cohort %{y}<br>%{x}: %{z:.1%}<extra></extra>"))
    figure.update_layout(yaxis=dict(autorange="reversed", title="cohort (week of first signup)"),
                         xaxis_title="weeks since the cohort's week", height=max(320, 28 * len(cohorts) + 160))
    return Section("Weekly cohort retention",
                   "Users grouped by the Monday of their first signup's week; each cell is the share of the cohort "
                   f"with a valid event n weeks later (gold.weekly_cohort_retention; the latest {COHORTS} cohorts).",
                   figure=figure if cells else None)


def dq_figures(spark: SparkSession, first: date, last: date, metrics: tuple[str, ...]) -> list[dict]:
    """(ingest_date, metric, dimension, value) of ops.dq_metrics, as silver recorded them."""
    return rows(spark.table("ops.dq_metrics")
                .where((F.col("domain") == "subscriptions") & between("ingest_date", first, last)
                       & F.col("metric").isin(*metrics))
                .select("ingest_date", "metric", "dimension", "value").orderBy("ingest_date"))


def duplicates_section(spark: SparkSession, first_date: date, last_date: date) -> Section:
    import plotly.graph_objects as go

    since = window_start(first_date, last_date)
    figures = dq_figures(spark, since, last_date, ("exact_duplicate_rate", "late_event_rate", "conflict_count"))
    by_date: dict[str, dict[str, float]] = {}
    for r in figures:
        by_date.setdefault(r["ingest_date"], {})[r["metric"]] = r["value"]
    days = sorted(by_date)
    figure = go.Figure([
        go.Scatter(name="exact duplicates", x=days, y=[by_date[d].get("exact_duplicate_rate") for d in days],
                   mode="lines+markers"),
        go.Scatter(name="late events", x=days, y=[by_date[d].get("late_event_rate") for d in days],
                   mode="lines+markers"),
    ])
    figure.update_layout(xaxis_title="ingest date", yaxis=dict(title="share of the day's valid events",
                                                               tickformat=".1%", rangemode="tozero"))
    daily_ticks(figure, days)
    run = [d for d in days if first_date.isoformat() <= d <= last_date.isoformat()]
    table = Table(("ingest date", "exact-duplicate rate", "late-event rate", "conflicting versions"),
                  [(d, _percent(by_date[d].get("exact_duplicate_rate")), _percent(by_date[d].get("late_event_rate")),
                    int(by_date[d].get("conflict_count") or 0)) for d in run])
    return Section("Duplicates and late arrivals",
                   "Of each ingest date's valid events: the share that were exact copies of an event already "
                   "received, and the share dated more than a day before they arrived; conflicting versions counts "
                   "the losing versions of events re-sent with other content (ops.dq_metrics, as silver recorded "
                   f"them; chart: the {window_text(first_date, last_date)}, table: this run's dates).",
                   figure=figure if days else None, table=table)


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.2%}"


def silver_split(spark: SparkSession, first_date: date, last_date: date) -> dict:
    """{("silver", source, date): {silver_rows, duplicates, conflicts, quarantined}}: where
    silver put each source's bronze records (ops.dq_metrics, per source)."""
    split: dict = {}
    for r in dq_figures(spark, first_date, last_date, SPLIT):
        if ":" not in r["dimension"]:     # "source:reason" rows break quarantined down further
            split.setdefault(("silver", r["dimension"], r["ingest_date"]), {})[r["metric"]] = int(r["value"])
    return split


def sections(spark: SparkSession, first_date: date, last_date: date) -> list[Section]:
    return [
        dau_section(spark),
        revenue_section(spark),
        mrr_section(spark),
        cohort_section(spark),
        quarantine_section(spark, "subscriptions", first_date, last_date),
        duplicates_section(spark, first_date, last_date),
        reconciliation_section(spark, "subscriptions", first_date, last_date,
                               details=silver_split(spark, first_date, last_date), detail_columns=SPLIT),
    ]
