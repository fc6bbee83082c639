"""Sections every domain's report shares: quarantine by reason and run-log reconciliation.

Everything is aggregated in Spark and only the aggregates are collected: counts per
ingest date, source and reason, never a record (quarantined ``raw`` text and subject ids
stay in the lake). Per-ingest-date charts cover :data:`HISTORY_DAYS` up to the run's last
date (and the whole run, if longer), so a page shows a trend without reading years of
history; tables show the run's own dates.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from spark_jobs.reports.page import Section, Table

HISTORY_DAYS = 90
# run-log stages whose rows reconcile records in with rows out (publish logs tables and rows)
RECONCILED_STAGES = ("bronze", "silver")


def window_start(first_date: date, last_date: date) -> date:
    """First ingest date the per-date charts show."""
    return min(first_date, last_date - timedelta(days=HISTORY_DAYS - 1))


def window_text(first_date: date, last_date: date) -> str:
    """The per-date charts' dates, in words."""
    since = window_start(first_date, last_date)
    return f"{(last_date - since).days + 1} days up to {last_date}"


def daily_ticks(figure, days: Sequence[str]):
    """Over a short span Plotly labels hours (a bar per date shows 12:00 ticks): one
    label per day instead. Longer spans keep Plotly's own date ticks."""
    if 0 < len(days) <= 14:
        figure.update_xaxes(dtick=86_400_000, tickformat="%b %d")
    return figure


def plain(value):
    """A collected value as JSON-friendly Python: dates as ISO text, decimals as floats
    (Plotly embeds lists of these as they are, readable in the page's source)."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def rows(frame: DataFrame) -> list[dict]:
    """The rows of a small aggregate, as dicts of plain values."""
    return [{k: plain(v) for k, v in r.asDict().items()} for r in frame.collect()]


def between(column: str, first: date, last: date):
    return F.col(column).between(F.lit(first), F.lit(last))


def quarantine_counts(spark: SparkSession, domain: str, first: date, last: date) -> DataFrame:
    """(ingest_date, source, reason, records) of the domain's quarantined records."""
    return (spark.table("quarantine.records")
            .where((F.col("domain") == domain) & between("ingest_date", first, last))
            .groupBy("ingest_date", "source", "reason").agg(F.count(F.lit(1)).alias("records")))


def quarantine_figure(counts: Sequence[dict]):
    """Stacked bars per ingest date, one colour per source and reason."""
    import plotly.graph_objects as go

    series: dict[str, dict[str, int]] = defaultdict(dict)
    for r in counts:
        series[f"{r['source']}: {r['reason']}"][r["ingest_date"]] = r["records"]
    figure = go.Figure([go.Bar(name=name, x=list(by_date), y=list(by_date.values()))
                        for name, by_date in sorted(series.items())])
    figure.update_layout(barmode="stack", xaxis_title="ingest date", yaxis_title="records quarantined",
                         legend_title="source: reason")
    return daily_ticks(figure, sorted({r["ingest_date"] for r in counts}))


def quarantine_section(spark: SparkSession, domain: str, first_date: date, last_date: date) -> Section:
    since = window_start(first_date, last_date)
    counts = rows(quarantine_counts(spark, domain, since, last_date).orderBy("ingest_date", "source", "reason"))
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for r in counts:
        if first_date.isoformat() <= r["ingest_date"] <= last_date.isoformat():
            totals[(r["source"], r["reason"])] += r["records"]
    return Section(
        "Quarantine by reason",
        "Landing records silver rejected, counted per ingest date by source and the first rule each broke "
        f"(quarantine.records; chart: the {window_text(first_date, last_date)}, table: this run's dates). "
        "They are kept aside with their text, never in silver or gold.",
        figure=quarantine_figure(counts) if counts else None,
        table=Table(("source", "reason", "records (this run's dates)"),
                    [(source, reason, n) for (source, reason), n in sorted(totals.items())]))


def run_log(spark: SparkSession, domain: str, first: date, last: date) -> list[dict]:
    """ops.run_log rows of the domain's reconciled stages and ingest dates."""
    return rows(spark.table("ops.run_log")
                .where((F.col("domain") == domain) & F.col("stage").isin(*RECONCILED_STAGES)
                       & between("ingest_date", first, last))
                .select("stage", "source", "ingest_date", "files", "records_read", "rows_in_table",
                        F.coalesce("records_suppressed", F.lit(0)).alias("records_suppressed"), "reconciled")
                .orderBy("ingest_date", "stage", "source"))


def stage_totals(logged: Sequence[dict], stage: str) -> dict[str, tuple[int, int, bool]]:
    """Per ingest date of one stage, over its sources: (records in, rows out + suppressed,
    whether every source reconciled)."""
    totals: dict[str, tuple[int, int, bool]] = {}
    for r in (r for r in logged if r["stage"] == stage):
        records_in, out, ok = totals.get(r["ingest_date"], (0, 0, True))
        totals[r["ingest_date"]] = (records_in + (r["records_read"] or 0),
                                    out + (r["rows_in_table"] or 0) + (r["records_suppressed"] or 0),
                                    ok and bool(r["reconciled"]))
    return dict(sorted(totals.items()))


def reconciliation_figure(logged: Sequence[dict]):
    """One panel per stage: records in next to rows out per ingest date, and a red mark on
    every date with a source whose counts do not reconcile."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    stages = [s for s in RECONCILED_STAGES if any(r["stage"] == s for r in logged)]
    figure = make_subplots(rows=len(stages), cols=1, shared_xaxes=True, subplot_titles=stages,
                           vertical_spacing=0.12)
    marked = False   # one legend entry per kind of trace, not one per panel
    for n, stage in enumerate(stages, start=1):
        totals = stage_totals(logged, stage)
        days = list(totals)
        figure.add_trace(go.Bar(name="records in", x=days, y=[t[0] for t in totals.values()],
                                marker_color="#4c78a8", legendgroup="in", showlegend=n == 1), row=n, col=1)
        figure.add_trace(go.Bar(name="rows out (+ suppressed)", x=days, y=[t[1] for t in totals.values()],
                                marker_color="#72b7b2", legendgroup="out", showlegend=n == 1), row=n, col=1)
        bad = [d for d, t in totals.items() if not t[2]]
        if bad:
            figure.add_trace(go.Scatter(name="not reconciled", x=bad, y=[totals[d][0] for d in bad],
                                        mode="markers", marker=dict(color="red", size=12, symbol="x"),
                                        legendgroup="bad", showlegend=not marked), row=n, col=1)
            marked = True
    figure.update_layout(barmode="group", height=260 * len(stages) + 80)
    return daily_ticks(figure, sorted({r["ingest_date"] for r in logged}))


def reconciliation_row(r: dict, detail: Mapping[str, int], detail_columns: Sequence[str]) -> tuple:
    """One run-log row of the table; files only for bronze, the stage that lists them."""
    return (r["ingest_date"], r["stage"], r["source"], r["files"] if r["stage"] == "bronze" else None,
            r["records_read"], r["rows_in_table"], r["records_suppressed"],
            *(detail.get(c) for c in detail_columns), r["reconciled"])


def reconciliation_section(spark: SparkSession, domain: str, first_date: date, last_date: date,
                           details: Mapping[tuple[str, str, str], Mapping[str, int]] | None = None,
                           detail_columns: Sequence[str] = ("quarantined",)) -> Section:
    """ops.run_log per stage and date (chart) and per source for the run's dates (table).
    ``details``: where the rows out went, per (stage, source, ingest date ISO), e.g. the
    silver stage's quarantined records; default: quarantine.records counts of silver."""
    logged = run_log(spark, domain, window_start(first_date, last_date), last_date)
    if details is None:
        details = silver_quarantined(spark, domain, first_date, last_date)
    run = [r for r in logged if first_date.isoformat() <= r["ingest_date"] <= last_date.isoformat()]
    table = Table(("ingest date", "stage", "source", "files", "records in", "rows out", "suppressed",
                   *(c.replace("_", " ") for c in detail_columns), "reconciled"),
                  [reconciliation_row(r, details.get((r["stage"], r["source"], r["ingest_date"]), {}), detail_columns)
                   for r in run])
    return Section(
        "Run-log reconciliation",
        "Per stage and ingest date, the records a stage read (landing records for bronze, bronze rows for silver) "
        "against the rows it accounted for (ops.run_log): reconciled when records in = rows out + records of "
        "erased people dropped; for silver, rows out counts the silver rows and every quarantined, duplicate or "
        f"superseded record (chart: all sources, the {window_text(first_date, last_date)}; table: this run's dates, "
        "per source).",
        figure=reconciliation_figure(logged) if logged else None, table=table)


def silver_quarantined(spark: SparkSession, domain: str, first: date, last: date) -> dict:
    """{("silver", source, ingest date ISO): {"quarantined": records}} of the run's dates."""
    totals = (quarantine_counts(spark, domain, first, last)
              .groupBy("source", "ingest_date").agg(F.sum("records").alias("records")))
    return {("silver", r["source"], r["ingest_date"]): {"quarantined": r["records"]} for r in rows(totals)}
