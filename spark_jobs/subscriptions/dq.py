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

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

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


def orphan_refunds(events: DataFrame) -> DataFrame:
    """Refunds in silver whose refers_to_event_id is not a purchase in silver (absent,
    quarantined or another event type)."""
    purchases = events.where(F.col("event_type") == "purchase").select(F.col("event_id").alias("refers_to_event_id"))
    refunds = events.where(F.col("event_type") == "refund")
    return refunds.join(purchases, "refers_to_event_id", "left_anti")


def spend_gaps(spend: DataFrame) -> DataFrame:
    """Per channel: the days between its first and last spend date without a spend row."""
    per_channel = spend.groupBy("channel").agg(
        F.min("spend_date").alias("first"), F.max("spend_date").alias("last"),
        F.countDistinct("spend_date").alias("days"))
    return per_channel.select("channel", (F.datediff("last", "first") + 1 - F.col("days")).alias("gaps"))


def events_as_of(spark: SparkSession, ingest_date: date) -> DataFrame:
    """silver.events as it stood once every ingest date <= ``ingest_date`` was processed.

    An event whose current winner arrived by then had that winner then too (the winner is
    the greatest of all versions, so also of the earlier ones); an event whose winner
    arrived later is resolved again among its versions received by then (few: re-deliveries)."""
    events = spark.table("silver.events").select(*EVENT_COLUMNS)
    by_then = F.col("ingest_date") <= F.lit(ingest_date)
    won_later = events.where(~by_then).select("event_id")
    earlier = spark.table("silver.event_versions").where(by_then).join(won_later, "event_id", "left_semi")
    return events.where(by_then).unionByName(dedup.event_winners(dedup.resolve_events(earlier)).select(*EVENT_COLUMNS))


def spend_days_as_of(spark: SparkSession, ingest_date: date) -> DataFrame:
    """(spend_date, channel) of every spend row received by ``ingest_date``: which days have a
    figure does not depend on which version of it wins."""
    return (spark.table("silver.marketing_spend_versions").where(F.col("ingest_date") <= F.lit(ingest_date))
            .select("spend_date", "channel").distinct())


def global_metrics(spark: SparkSession, ingest_date: date) -> list[tuple[str, str, float]]:
    """Figures over silver as it stood once ``ingest_date`` was processed."""
    orphans = orphan_refunds(events_as_of(spark, ingest_date)).count()
    gaps = {r["channel"]: r["gaps"] for r in spend_gaps(spend_days_as_of(spark, ingest_date)).collect()}
    rows = [("orphan_refunds", "events", float(orphans)), ("spend_gaps", "all", float(sum(gaps.values())))]
    return rows + [("spend_gaps", channel, float(n)) for channel, n in sorted(gaps.items())]


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
