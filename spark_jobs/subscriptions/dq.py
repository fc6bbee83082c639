"""Data-quality figures of one silver run, stored in ``ops.dq_metrics`` and printed.

Per source: rows read and the reconciliation ``bronze_rows = silver_rows + duplicates +
conflicts + quarantined`` (every bronze record of the day is accounted for once), the
quarantine count per reason; for events the exact-duplicate rate, conflict count and
late-event rate; over silver as a whole the orphan refunds and the spend gaps.

Every figure of ingest date D describes the data received on dates <= D, as it stood once
D was processed: a winner, duplicate or conflict is decided among the versions received by
D, and the silver-wide figures are taken over silver as of D. So D's figures are a function
of the landing data alone — the same whether later dates ran before D, or a killed attempt
of a later date left part of its rows behind when D is re-run.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import DateType, StructField, StructType

from spark_jobs.local_rows import local_frame
from spark_jobs.merge import mirror, write_rows
from spark_jobs.subscriptions import dedup
from spark_jobs.subscriptions.parse_events import EVENT_COLUMNS

DQ_TABLE = "ops.dq_metrics"
DQ_KEY = ("domain", "ingest_date", "metric", "dimension")


@dataclass
class SourceCounts:
    """Where the bronze records of one source and ingest date went."""

    source: str
    files: int = 0
    bronze_rows: int = 0
    quarantined: dict[str, int] = field(default_factory=dict)   # reason → records
    silver_rows: int = 0       # records of the day that are the current winner of their key
    duplicates: int = 0        # exact-duplicate copies
    conflicts: int = 0         # losing versions (events) / superseded records (subscriptions, spend)
    late_rows: int = 0         # valid events with event_date < ingest_date - 1

    @property
    def valid_rows(self) -> int:
        return self.bronze_rows - sum(self.quarantined.values())

    @property
    def reconciled(self) -> bool:
        return self.bronze_rows == self.silver_rows + self.duplicates + self.conflicts + sum(self.quarantined.values())


def ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def source_metrics(c: SourceCounts) -> list[tuple[str, str, float]]:
    """(metric, dimension, value) rows of one source."""
    rows = [("rows_read", c.source, c.bronze_rows), ("bronze_rows", c.source, c.bronze_rows),
            ("silver_rows", c.source, c.silver_rows), ("duplicates", c.source, c.duplicates),
            ("conflicts", c.source, c.conflicts), ("quarantined", c.source, sum(c.quarantined.values()))]
    rows += [("quarantined", f"{c.source}:{reason}", n) for reason, n in sorted(c.quarantined.items())]
    return [(m, d, float(v)) for m, d, v in rows]


def event_metrics(c: SourceCounts) -> list[tuple[str, str, float]]:
    return [("exact_duplicate_rate", "events", ratio(c.duplicates, c.valid_rows)),
            ("conflict_count", "events", float(c.conflicts)),
            ("late_event_rate", "events", ratio(c.late_rows, c.valid_rows))]


def orphan_refunds(events: DataFrame, by: Sequence[str] = ()) -> DataFrame:
    """Refunds among ``events`` whose refers_to_event_id is not a purchase among them
    (absent, quarantined or another event type). ``by``: columns that split the events
    into separate states of silver (``as_of``), each checked on its own."""
    purchases = events.where(F.col("event_type") == "purchase").select(
        *by, F.col("event_id").alias("refers_to_event_id"))
    refunds = events.where(F.col("event_type") == "refund")
    return refunds.join(purchases, [*by, "refers_to_event_id"], "left_anti")


def spend_gaps(spend: DataFrame, by: Sequence[str] = ()) -> DataFrame:
    """Per channel (and ``by`` columns): the days between its first and last spend date
    without a spend row."""
    per_channel = spend.groupBy(*by, "channel").agg(
        F.min("spend_date").alias("first"), F.max("spend_date").alias("last"),
        F.countDistinct("spend_date").alias("days"))
    return per_channel.select(*by, "channel", (F.datediff("last", "first") + 1 - F.col("days")).alias("gaps"))


def as_of_dates(spark: SparkSession, days: Sequence[date]) -> DataFrame:
    """One row per ingest date of the run (``as_of``), broadcast to the joins that use it."""
    return F.broadcast(local_frame(spark, [(d,) for d in days], StructType([StructField("as_of", DateType())])))


def events_as_of(spark: SparkSession, days: Sequence[date], event_type: str,
                 event_ids: DataFrame | None = None) -> DataFrame:
    """(as_of, *EVENT_COLUMNS): the events of ``event_type`` (among ``event_ids``) in
    silver.events as it stood once every ingest date <= as_of was processed, for each
    as_of of ``days`` — one pass for all of them.

    An event whose current winner arrived by as_of had that winner then too (the winner
    is the greatest of all versions, so also of the earlier ones); an event whose winner
    arrived later is resolved again among its versions received by then (few: re-deliveries)."""
    dates = as_of_dates(spark, days)
    events = spark.table("silver.events").select(*EVENT_COLUMNS)
    if event_ids is not None:
        events = events.join(event_ids, "event_id", "left_semi")
    current = (events.where(F.col("event_type") == event_type)
               .join(dates, F.col("ingest_date") <= F.col("as_of")).select("as_of", *EVENT_COLUMNS))
    won_later = events.where(F.col("ingest_date") > F.lit(min(days))).select(
        "event_id", F.col("ingest_date").alias("_won"))
    earlier = (spark.table("silver.event_versions").where(F.col("ingest_date") <= F.lit(max(days)))
               .join(won_later, "event_id")
               .join(dates, (F.col("ingest_date") <= F.col("as_of")) & (F.col("_won") > F.col("as_of"))))
    then = (dedup.resolve_events(earlier, within=("as_of",))
            .where((F.col("role") == "winner") & (F.col("event_type") == event_type)).select("as_of", *EVENT_COLUMNS))
    return current.unionByName(then)


def spend_days_as_of(spark: SparkSession, days: Sequence[date]) -> DataFrame:
    """(as_of, spend_date, channel) of every spend row received by each as_of of ``days``:
    which days have a figure does not depend on which version of it wins."""
    first = (spark.table("silver.marketing_spend_versions").where(F.col("ingest_date") <= F.lit(max(days)))
             .groupBy("spend_date", "channel").agg(F.min("ingest_date").alias("first_received")))
    return first.join(as_of_dates(spark, days), F.col("first_received") <= F.col("as_of")).select(
        "as_of", "spend_date", "channel")


def global_metrics(spark: SparkSession, days: Sequence[date]) -> dict[date, list[tuple[str, str, float]]]:
    """Per ingest date of ``days``: figures over silver as it stood once that date was processed."""
    refunds = events_as_of(spark, days, "refund").localCheckpoint()
    named = refunds.select(F.col("refers_to_event_id").alias("event_id")).where(F.col("event_id").isNotNull())
    purchases = events_as_of(spark, days, "purchase", event_ids=named.distinct())
    orphans = {r[0]: r[1] for r in orphan_refunds(refunds.unionByName(purchases), by=("as_of",))
               .groupBy("as_of").count().collect()}
    gaps = spend_gaps(spend_days_as_of(spark, days), by=("as_of",)).collect()
    figures = {}
    for day in days:
        of_day = {r["channel"]: r["gaps"] for r in gaps if r["as_of"] == day}
        figures[day] = ([("orphan_refunds", "events", float(orphans.get(day, 0))),
                         ("spend_gaps", "all", float(sum(of_day.values())))]
                        + [("spend_gaps", channel, float(n)) for channel, n in sorted(of_day.items())])
    return figures


def write_metrics(spark: SparkSession, domain: str, rows: Mapping[date, list[tuple[str, str, float]]]) -> None:
    """Replace the (domain, ingest_date) slices of ops.dq_metrics with ``rows`` per date
    (one commit for all the dates)."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    run_id = spark.sparkContext.applicationId
    data = [(domain, day, m, d, v, run_id, now) for day, figures in rows.items() for m, d, v in figures]
    frame = local_frame(spark, data, spark.table(DQ_TABLE).schema)
    write_rows(frame, mirror(DQ_TABLE, DQ_KEY, {"domain": domain, "ingest_date": tuple(rows)}, compare=("value",)))


def format_table(ingest_date: date, counts: list[SourceCounts], rows: list[tuple[str, str, float]]) -> str:
    """One compact block for the task log: reconciliation per source, then every figure."""
    lines = [f"silver subscriptions {ingest_date}",
             f"{'source':<16}{'files':>6}{'bronze':>9}{'silver':>9}{'dups':>7}{'confl':>7}{'quar':>7}  reconciled"]
    for c in counts:
        lines.append(f"{c.source:<16}{c.files:>6}{c.bronze_rows:>9}{c.silver_rows:>9}{c.duplicates:>7}"
                     f"{c.conflicts:>7}{sum(c.quarantined.values()):>7}  {c.reconciled}")
    lines.append(f"{'metric':<22}{'dimension':<40}{'value':>12}")
    for metric, dimension, value in rows:
        if metric in ("bronze_rows", "silver_rows", "duplicates", "conflicts"):
            continue
        shown = f"{value:.4f}" if metric.endswith("_rate") else f"{value:.0f}"
        lines.append(f"{metric:<22}{dimension:<40}{shown:>12}")
    return "\n".join(lines)
