"""Silver for the subscriptions domain: one ingest date of bronze → typed, deduplicated tables.

Every bronze record of the day ends in exactly one place — the silver winner of its key,
an exact-duplicate count, a losing version (silver.event_conflicts / a superseded
version) or quarantine with a reason — and the counts are stored in ops.dq_metrics and
ops.run_log (stage 'silver'). Each source keeps its valid versions per ingest date
(``*_versions``); the silver tables are recomputed from all versions of the keys the day
touches, which makes the result independent of the order days are run in and re-runs
idempotent. The keys touched are handed to gold through ops.changed_keys.

Commit order, so that a run killed at any moment and re-run converges: every source is
first resolved without writing anything; then the day's changed keys are committed
(joined with the keys an earlier, killed attempt committed, so a key is never lost once
handed over); only then the silver tables and the day's versions. A re-run after the
versions were committed no longer sees the versions the day used to have, and relies on
those keys.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import NamedTuple

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from spark_jobs.config import Settings
from spark_jobs.frames import described, union_all
from spark_jobs.key_lookup import dates_predicate, key_bounds, rows_of_keys
from spark_jobs.merge import SPREAD_WRITE, mirror, owned_keys, write_rows
from spark_jobs.quarantine import quarantine, split
from spark_jobs.run_log import RunRecord, write_run_log
from spark_jobs.side_by_side import run_side_by_side
from spark_jobs.subscriptions import dedup, dq
from spark_jobs.subscriptions.changed_keys import event_keys, spend_keys, subscription_keys, write_changed_keys
from spark_jobs.subscriptions.fx import load_fx_rates
from spark_jobs.subscriptions.parse_events import EVENT_COLUMNS, parse_events
from spark_jobs.subscriptions.parse_spend import SPEND_COLUMNS, parse_spend
from spark_jobs.subscriptions.parse_subscriptions import SUBSCRIPTION_COLUMNS, parse_subscriptions

DOMAIN = "subscriptions"
# Bronze text compresses about 5x and parsing it is CPU-bound: small read splits let every
# core parse, where Iceberg's default 128 MB split would put a whole day in one task.
BRONZE_SPLIT_BYTES = 8 * 1024 * 1024


def bronze_day(spark: SparkSession, source: str, ingest_date: date) -> DataFrame:
    return (spark.read.option("split-size", str(BRONZE_SPLIT_BYTES)).table(f"bronze.{DOMAIN}_{source}")
            .where(F.col("ingest_date") == F.lit(ingest_date)))


class SourceResult(NamedTuple):
    """One source's day, resolved but not yet written: what :func:`run` commits, in order."""

    counts: dq.SourceCounts
    keys: DataFrame          # changed keys for gold (ops.changed_keys rows), materialised
    rejected: DataFrame      # the day's quarantined records, written with the other sources'
    write: Callable[[], None]    # commits the source's silver tables and versions


def parse_and_count(parsed: DataFrame, source: str, late: F.Column | None = None
                    ) -> tuple[DataFrame, DataFrame, dq.SourceCounts]:
    """Cache the parsed day and count it; returns (valid rows, rejected rows, counts)."""
    # Only a rejected record needs its raw text (quarantine keeps it): dropping it from
    # valid rows roughly halves the cached day.
    parsed = parsed.withColumn("raw", F.when(F.col("reason").isNotNull(), F.col("raw"))).cache()
    valid, rejected = split(parsed)
    late = late if late is not None else F.lit(False)
    stats = (parsed.groupBy("reason").agg(F.count(F.lit(1)).alias("n"), F.sum(late.cast("int")).alias("late"),
                                          F.collect_set("source_file").alias("files")).collect())
    counts = dq.SourceCounts(source, files=len({f for r in stats for f in r["files"]}),
                             bronze_rows=sum(r["n"] for r in stats),
                             quarantined={r["reason"]: r["n"] for r in stats if r["reason"] is not None},
                             late_rows=sum(r["late"] or 0 for r in stats if r["reason"] is None))
    return valid, rejected, counts


def held_versions(spark: SparkSession, versions_table: str, ingest_date: date) -> DataFrame:
    """The versions this ingest date stored on its last run. Their keys are recomputed too:
    a re-run after the bronze slice changed must also recompute keys the day no longer
    has. Materialised: read before the day's versions are written."""
    return spark.table(versions_table).where(F.col("ingest_date") == F.lit(ingest_date)).localCheckpoint()


def other_days_versions(spark: SparkSession, versions_table: str, keys: list[str], touched: DataFrame,
                        ingest_date: date) -> DataFrame:
    """Stored versions of the ``touched`` keys received on other ingest dates, read only
    from the files whose key range can hold them (:mod:`spark_jobs.key_lookup`): a
    day's run must not read every day before it. ``touched`` must be materialised."""
    stored = spark.table(versions_table).where(F.col("ingest_date") != F.lit(ingest_date))
    return rows_of_keys(stored, touched, keys)


def affected_keys(day_keys: DataFrame, held: DataFrame, keys: list[str]) -> DataFrame:
    """Keys of the day's valid records plus the keys of :func:`held_versions`."""
    return day_keys.select(*keys).unionByName(held.select(*keys)).distinct().localCheckpoint()


def all_versions(day_versions: DataFrame, versions_table: str, keys: list[str], affected: DataFrame,
                 ingest_date: date) -> DataFrame:
    """Every known version of the affected keys: other days' stored ones plus today's."""
    others = other_days_versions(day_versions.sparkSession, versions_table, keys, affected, ingest_date)
    return others.unionByName(day_versions.select(*others.columns))


def merge_bounds(affected: DataFrame, keys: list[str], versions: list[DataFrame] = (),
                 date_column: str | None = None) -> str | None:
    """The prune predicate of a MERGE that recomputes the ``affected`` keys: their key
    bounds, and with ``date_column`` the set of its values among ``versions`` (the
    target's rows of those keys hold one of them). Iceberg then opens only the target
    files that can hold the rows, whatever the table's size; a range of dates would let
    one late event pull in every file between its date and today."""
    bounds = key_bounds(affected, keys)
    parts = [] if bounds.matches_nothing else [bounds.predicate()]
    if date_column is not None:
        dates = union_all(v.select(date_column) for v in versions).distinct().collect()
        parts.append(dates_predicate([row[0] for row in dates], f"t.{date_column}"))
    return " AND ".join(f"({p})" for p in parts if p) or None


def silver_events(spark: SparkSession, ingest_date: date, rates: dict[str, Decimal]) -> SourceResult:
    """Events of the day → event_versions, silver.events, silver.event_conflicts."""
    late = F.col("event_date") < F.date_sub(F.col("ingest_date"), 1)
    with described(spark, "silver events: parse the day"):
        valid, rejected, counts = parse_and_count(parse_events(bronze_day(spark, "events", ingest_date), rates),
                                                  "events", late)
    with described(spark, "silver events: held versions"):
        held_before = held_versions(spark, "silver.event_versions", ingest_date)
    # Keys whose winner may change (valid is cached, held_before materialised).
    touched = valid.select("event_id").unionByName(held_before.select("event_id"))
    with described(spark, "silver events: other days' versions, resolve"):
        others = other_days_versions(spark, "silver.event_versions", ["event_id"], touched, ingest_date)
        resolved = dedup.resolve_day(valid, others).localCheckpoint()
        affected = resolved.select("event_id").unionByName(held_before.select("event_id")).distinct().localCheckpoint()
    with described(spark, "silver events: day roles"):
        counts.silver_rows, counts.duplicates, counts.conflicts = day_roles(resolved, ingest_date)
    # The versions the day no longer has are keys too: their users' and dates' gold rows
    # lose them.
    every_version = resolved.select(*EVENT_COLUMNS).unionByName(held_before.select(*EVENT_COLUMNS))
    with described(spark, "silver events: changed keys"):
        keys = event_keys(every_version, spark.table("silver.events")).localCheckpoint()

    def write() -> None:
        # The table's write.merge.distribution-mode = none keeps this MERGE's partitioning: a
        # day's events share one month partition, and silver, gold and the scan then read
        # silver.events from many files in parallel rather than from one.
        with described(spark, "silver events: write silver.events"):
            prune = merge_bounds(affected, ["event_id"], [resolved, held_before], "event_date")
            write_rows(dedup.event_winners(resolved), owned_keys("silver.events", ["event_id"], affected,
                       prune=prune, write_options=SPREAD_WRITE))
        with described(spark, "silver events: write event_conflicts"):
            existing_conflicts = rows_of_keys(spark.table("silver.event_conflicts"), affected, ["event_id"])
            write_rows(dedup.event_conflicts(resolved),
                       owned_keys("silver.event_conflicts", ["event_id", "payload_hash", "ingest_date"],
                                  existing_conflicts, prune=merge_bounds(affected, ["event_id"])))
        with described(spark, "silver events: write event_versions"):
            day_versions = resolved.where(F.col("ingest_date") == F.lit(ingest_date)).select(*EVENT_COLUMNS, "copies")
            write_rows(day_versions, mirror("silver.event_versions", ("event_id", "payload_hash", "ingest_date"),
                                            {"ingest_date": ingest_date},
                                            compare=("copies", "source_file", "record_number", "amount_usd"),
                                            write_options=SPREAD_WRITE))

    return SourceResult(counts, keys, rejected, write)


def day_roles(resolved: DataFrame, ingest_date: date) -> tuple[int, int, int]:
    """(winners, duplicate copies, conflicts) among the day's versions, decided among the
    versions received by the day: the figures stay what they were when the day was first
    processed, whatever later dates brought since (see :mod:`dq`)."""
    by_then = resolved.where(F.col("ingest_date") <= F.lit(ingest_date)).select(*EVENT_COLUMNS, "copies")
    today = dedup.resolve_events(by_then).where(F.col("ingest_date") == F.lit(ingest_date)).agg(
        F.sum((F.col("role") == "winner").cast("int")), F.sum("duplicates"),
        F.sum((F.col("role") == "conflict").cast("int"))).first()
    return tuple(int(v or 0) for v in today)


def silver_latest(parsed: DataFrame, source: str, table: str, keys: list[str], columns: tuple[str, ...],
                  winners, ingest_date: date) -> tuple[dq.SourceCounts, DataFrame, DataFrame, Callable[[], None]]:
    """Sources where the greatest version wins outright (subscriptions, marketing spend):
    the day's best record per key is its version; silver holds the best of all versions.
    Returns (counts, every version of the affected keys — the ones the day no longer has
    included —, rejected rows, the write)."""
    spark = parsed.sparkSession
    with described(spark, f"silver {source}: parse the day"):
        valid, rejected, counts = parse_and_count(parsed, source)
        day_versions = winners(valid.select(*columns)).localCheckpoint()
    versions_table = f"{table}_versions"
    with described(spark, f"silver {source}: held and other days' versions"):
        held = held_versions(spark, versions_table, ingest_date)
        affected = affected_keys(day_versions, held, keys)
        versions = all_versions(day_versions, versions_table, keys, affected, ingest_date).localCheckpoint()
    # Every order starts with ingest_date: among the versions received by the day, the
    # day's own version of a key wins, so each is a silver row of the day (see :mod:`dq`).
    counts.silver_rows = day_versions.count()
    counts.conflicts = counts.valid_rows - counts.silver_rows

    def write() -> None:
        with described(spark, f"silver {source}: write"):
            write_rows(winners(versions), owned_keys(table, keys, affected, prune=merge_bounds(affected, keys)))
            key_columns = (*keys, "ingest_date")
            write_rows(day_versions, mirror(versions_table, key_columns, {"ingest_date": ingest_date},
                                            compare=[c for c in columns if c not in key_columns]))

    return counts, versions.unionByName(held.select(*versions.columns)), rejected, write


def silver_subscriptions(spark, ingest_date, rates) -> SourceResult:
    parsed = parse_subscriptions(bronze_day(spark, "subscriptions", ingest_date), rates)
    counts, versions, rejected, write = silver_latest(parsed, "subscriptions", "silver.subscriptions",
                                                      ["subscription_id"], SUBSCRIPTION_COLUMNS,
                                                      dedup.subscription_winners, ingest_date)
    with described(spark, "silver subscriptions: changed keys"):
        keys = subscription_keys(versions).localCheckpoint()
    return SourceResult(counts, keys, rejected, write)


def silver_spend(spark, ingest_date) -> SourceResult:
    parsed = parse_spend(bronze_day(spark, "marketing_spend", ingest_date))
    counts, versions, rejected, write = silver_latest(parsed, "marketing_spend", "silver.marketing_spend",
                                                      ["spend_date", "channel"], SPEND_COLUMNS, dedup.spend_winners,
                                                      ingest_date)
    with described(spark, "silver marketing_spend: changed keys"):
        keys = spend_keys(versions).localCheckpoint()
    return SourceResult(counts, keys, rejected, write)


def run(spark: SparkSession, settings: Settings, ingest_date: date) -> None:
    """Silver for one ingest date: every source, changed keys, DQ figures, run log."""
    started = datetime.now(timezone.utc).replace(tzinfo=None)
    rates = load_fx_rates(spark)
    # The sources share no table until quarantine: side by side, the small sources' jobs
    # fill the cores while the events step plans and commits.
    results = run_side_by_side([lambda: silver_events(spark, ingest_date, rates),
                                lambda: silver_subscriptions(spark, ingest_date, rates),
                                lambda: silver_spend(spark, ingest_date)])
    with described(spark, "silver: write changed keys"):
        write_changed_keys(DOMAIN, ingest_date, [r.keys for r in results])    # before the slices: see above
    run_side_by_side([r.write for r in results])
    with described(spark, "silver: quarantine"):
        quarantine({r.counts.source: r.rejected for r in results}, DOMAIN, ingest_date)
    counts = [r.counts for r in results]
    figures = [row for c in counts for row in dq.source_metrics(c)] + dq.event_metrics(counts[0])
    with described(spark, "silver: DQ figures over silver"):
        figures += dq.global_metrics(spark, ingest_date)
    with described(spark, "silver: write DQ figures, run log"):
        dq.write_metrics(spark, DOMAIN, ingest_date, figures)
        write_run_log(spark, [RunRecord(DOMAIN, "silver", c.source, ingest_date, c.files, c.bronze_rows,
                                        c.silver_rows + c.duplicates + c.conflicts + sum(c.quarantined.values()),
                                        started) for c in counts])
    spark.catalog.clearCache()
    print(dq.format_table(ingest_date, counts, figures), flush=True)
