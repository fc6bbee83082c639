"""Silver for the subscriptions domain: ingest dates of bronze → typed, deduplicated tables.

Every bronze record of a date ends in exactly one place — the silver winner of its key,
an exact-duplicate count, a losing version (silver.event_conflicts / a superseded
version) or quarantine with a reason — and the counts are stored per ingest date in
ops.dq_metrics and ops.run_log (stage 'silver'). Each source keeps its valid versions
per ingest date (``*_versions``); the silver tables are recomputed from all versions of
the keys the run's dates touch, which makes the result independent of the order dates
are run in, and of how they are grouped: a range of dates runs as one batch (one read of
their bronze, one resolution, one commit per table) and ends exactly as runs of its days
one by one would. Re-runs are idempotent. The keys touched are handed to gold through
ops.changed_keys.

Commit order, so that a run killed at any moment and re-run converges: every source is
first resolved without writing anything; then the dates' changed keys are committed
(joined with the keys an earlier, killed attempt committed, so a key is never lost once
handed over); only then the silver tables and the dates' versions. A re-run after the
versions were committed no longer sees the versions the dates used to have, and relies
on those keys.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import NamedTuple

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from spark_jobs.config import Settings
from spark_jobs.frames import described, union_all
from spark_jobs.ingest_dates import dates_between, in_dates, rows_per_date
from spark_jobs.key_lookup import dates_predicate, key_bounds, rows_of_keys
from spark_jobs.merge import SPREAD_WRITE, mirror, owned_keys, write_rows
from spark_jobs.quarantine import quarantine, split
from spark_jobs.run_log import RunRecord, write_run_log
from spark_jobs.side_by_side import run_side_by_side
from spark_jobs.subscriptions import dedup, dq
from spark_jobs.subscriptions.changed_keys import (event_keys, of_dates, spend_keys, subscription_keys,
                                                  write_changed_keys)
from spark_jobs.subscriptions.fx import load_fx_rates
from spark_jobs.subscriptions.parse_events import EVENT_COLUMNS, parse_events
from spark_jobs.subscriptions.parse_spend import SPEND_COLUMNS, parse_spend
from spark_jobs.subscriptions.parse_subscriptions import SUBSCRIPTION_COLUMNS, parse_subscriptions

DOMAIN = "subscriptions"
# Bronze text compresses about 5x and parsing it is CPU-bound: small read splits let every
# core parse, where Iceberg's default 128 MB split would put a whole day in one task.
BRONZE_SPLIT_BYTES = 8 * 1024 * 1024
RUNS_ONCE_PER_RANGE = True   # a range of ingest dates is one batch (see above)


def bronze_slice(spark: SparkSession, source: str, days: Sequence[date]) -> DataFrame:
    return (spark.read.option("split-size", str(BRONZE_SPLIT_BYTES)).table(f"bronze.{DOMAIN}_{source}")
            .where(in_dates(days)))


class SourceResult(NamedTuple):
    """One source's dates, resolved but not yet written: what :func:`run` commits, in order."""

    source: str
    counts: dict[date, dq.SourceCounts]
    keys: DataFrame          # changed keys for gold (ingest_date, key_type, key_value), materialised
    rejected: DataFrame      # the dates' quarantined records, written with the other sources'
    write: Callable[[], None]    # commits the source's silver tables and versions


def parse_and_count(parsed: DataFrame, source: str, days: Sequence[date], late: F.Column | None = None
                    ) -> tuple[DataFrame, DataFrame, dict[date, dq.SourceCounts]]:
    """Cache the parsed dates and count them; returns (valid rows, rejected rows, counts per date)."""
    # Only a rejected record needs its raw text (quarantine keeps it): dropping it from
    # valid rows roughly halves the cached data.
    parsed = parsed.withColumn("raw", F.when(F.col("reason").isNotNull(), F.col("raw"))).cache()
    valid, rejected = split(parsed)
    late = late if late is not None else F.lit(False)
    stats = (parsed.groupBy("ingest_date", "reason").agg(
        F.count(F.lit(1)).alias("n"), F.sum(late.cast("int")).alias("late"),
        F.collect_set("source_file").alias("files")).collect())
    counts = {}
    for day in days:
        of_day = [r for r in stats if r["ingest_date"] == day]
        counts[day] = dq.SourceCounts(
            source, files=len({f for r in of_day for f in r["files"]}), bronze_rows=sum(r["n"] for r in of_day),
            quarantined={r["reason"]: r["n"] for r in of_day if r["reason"] is not None},
            late_rows=sum(r["late"] or 0 for r in of_day if r["reason"] is None))
    return valid, rejected, counts


def held_versions(spark: SparkSession, versions_table: str, days: Sequence[date]) -> DataFrame:
    """The versions these ingest dates stored on their last run. Their keys are recomputed
    too: a re-run after a bronze slice changed must also recompute keys the date no longer
    has. Materialised: read before the dates' versions are written."""
    return spark.table(versions_table).where(in_dates(days)).localCheckpoint()


def other_days_versions(spark: SparkSession, versions_table: str, keys: list[str], touched: DataFrame,
                        days: Sequence[date]) -> DataFrame:
    """Stored versions of the ``touched`` keys received on other ingest dates, read only
    from the files whose key range can hold them (:mod:`spark_jobs.key_lookup`): a
    run must not read every day before it. ``touched`` must be materialised."""
    stored = spark.table(versions_table).where(~in_dates(days))
    return rows_of_keys(stored, touched, keys)


def affected_keys(day_keys: DataFrame, held: DataFrame, keys: list[str]) -> DataFrame:
    """Keys of the dates' valid records plus the keys of :func:`held_versions`."""
    return day_keys.select(*keys).unionByName(held.select(*keys)).distinct().localCheckpoint()


def all_versions(day_versions: DataFrame, versions_table: str, keys: list[str], affected: DataFrame,
                 days: Sequence[date]) -> DataFrame:
    """Every known version of the affected keys: other dates' stored ones plus the run's."""
    others = other_days_versions(day_versions.sparkSession, versions_table, keys, affected, days)
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


def silver_events(spark: SparkSession, days: Sequence[date], rates: dict[str, Decimal]) -> SourceResult:
    """Events of the dates → event_versions, silver.events, silver.event_conflicts."""
    late = F.col("event_date") < F.date_sub(F.col("ingest_date"), 1)
    with described(spark, "silver events: parse the dates"):
        valid, rejected, counts = parse_and_count(parse_events(bronze_slice(spark, "events", days), rates),
                                                  "events", days, late)
    with described(spark, "silver events: held versions"):
        held_before = held_versions(spark, "silver.event_versions", days)
    # Keys whose winner may change (valid is cached, held_before materialised).
    touched = valid.select("event_id").unionByName(held_before.select("event_id"))
    with described(spark, "silver events: other days' versions, resolve"):
        others = other_days_versions(spark, "silver.event_versions", ["event_id"], touched, days)
        resolved = dedup.resolve_day(valid, others).localCheckpoint()
        affected = resolved.select("event_id").unionByName(held_before.select("event_id")).distinct().localCheckpoint()
    with described(spark, "silver events: roles per date"):
        for day, roles in day_roles(resolved, days).items():
            counts[day].silver_rows, counts[day].duplicates, counts[day].conflicts = roles
    # The versions the dates no longer have are keys too: their users' and dates' gold
    # rows lose them.
    every_version = resolved.select(*EVENT_COLUMNS).unionByName(held_before.select(*EVENT_COLUMNS))
    with described(spark, "silver events: changed keys"):
        keys = of_dates(event_keys(every_version, spark.table("silver.events")), every_version, ["event_id"],
                        days).localCheckpoint()

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
            run_versions = resolved.where(in_dates(days)).select(*EVENT_COLUMNS, "copies")
            write_rows(run_versions, mirror("silver.event_versions", ("event_id", "payload_hash", "ingest_date"),
                                            {"ingest_date": tuple(days)},
                                            compare=("copies", "source_file", "record_number", "amount_usd"),
                                            write_options=SPREAD_WRITE))

    return SourceResult("events", counts, keys, rejected, write)


def day_roles(resolved: DataFrame, days: Sequence[date]) -> dict[date, tuple[int, int, int]]:
    """Per ingest date D of ``days``: (winners, duplicate copies, conflicts) among D's
    versions, decided among the versions received by D. The figures stay what they were
    when D was first processed, whatever later dates brought since (see :mod:`dq`), and
    do not depend on which dates ran together. One pass: each event with a version on D
    is resolved once more among its versions received by D (``as_of``)."""
    versions = resolved.select(*EVENT_COLUMNS, "copies")
    received = versions.where(in_dates(days)).select("event_id", F.col("ingest_date").alias("as_of")).distinct()
    by_then = versions.join(received, "event_id").where(F.col("ingest_date") <= F.col("as_of"))
    rows = (dedup.resolve_events(by_then, within=("as_of",)).where(F.col("ingest_date") == F.col("as_of"))
            .groupBy("as_of").agg(F.sum((F.col("role") == "winner").cast("int")), F.sum("duplicates"),
                                  F.sum((F.col("role") == "conflict").cast("int"))).collect())
    return {row[0]: tuple(int(v or 0) for v in row[1:]) for row in rows}


def silver_latest(parsed: DataFrame, source: str, table: str, keys: list[str], columns: tuple[str, ...],
                  winners, days: Sequence[date]
                  ) -> tuple[dict[date, dq.SourceCounts], DataFrame, DataFrame, Callable[[], None]]:
    """Sources where the greatest version wins outright (subscriptions, marketing spend):
    a date's best record per key is its version; silver holds the best of all versions.
    Returns (counts per date, every version of the affected keys — the ones the dates no
    longer have included —, rejected rows, the write)."""
    spark = parsed.sparkSession
    with described(spark, f"silver {source}: parse the dates"):
        valid, rejected, counts = parse_and_count(parsed, source, days)
        day_versions = winners(valid.select(*columns), within=("ingest_date",)).localCheckpoint()
    versions_table = f"{table}_versions"
    with described(spark, f"silver {source}: held and other days' versions"):
        held = held_versions(spark, versions_table, days)
        affected = affected_keys(day_versions, held, keys)
        versions = all_versions(day_versions, versions_table, keys, affected, days).localCheckpoint()
    # Every order starts with ingest_date: among the versions received by a date, the
    # date's own version of a key wins, so each is a silver row of the date (see :mod:`dq`).
    per_date = rows_per_date(day_versions)
    for day, c in counts.items():
        c.silver_rows = per_date.get(day, 0)
        c.conflicts = c.valid_rows - c.silver_rows

    def write() -> None:
        with described(spark, f"silver {source}: write"):
            write_rows(winners(versions), owned_keys(table, keys, affected, prune=merge_bounds(affected, keys)))
            key_columns = (*keys, "ingest_date")
            write_rows(day_versions, mirror(versions_table, key_columns, {"ingest_date": tuple(days)},
                                            compare=[c for c in columns if c not in key_columns]))

    return counts, versions.unionByName(held.select(*versions.columns)), rejected, write


def silver_subscriptions(spark, days, rates) -> SourceResult:
    parsed = parse_subscriptions(bronze_slice(spark, "subscriptions", days), rates)
    counts, versions, rejected, write = silver_latest(parsed, "subscriptions", "silver.subscriptions",
                                                      ["subscription_id"], SUBSCRIPTION_COLUMNS,
                                                      dedup.subscription_winners, days)
    with described(spark, "silver subscriptions: changed keys"):
        keys = of_dates(subscription_keys(versions), versions, ["subscription_id"], days).localCheckpoint()
    return SourceResult("subscriptions", counts, keys, rejected, write)


def silver_spend(spark, days) -> SourceResult:
    parsed = parse_spend(bronze_slice(spark, "marketing_spend", days))
    counts, versions, rejected, write = silver_latest(parsed, "marketing_spend", "silver.marketing_spend",
                                                      ["spend_date", "channel"], SPEND_COLUMNS, dedup.spend_winners,
                                                      days)
    with described(spark, "silver marketing_spend: changed keys"):
        keys = of_dates(spend_keys(versions), versions, ["spend_date", "channel"], days).localCheckpoint()
    return SourceResult("marketing_spend", counts, keys, rejected, write)


def run(spark: SparkSession, settings: Settings, ingest_date: date, first_date: date | None = None) -> None:
    """Silver for the ingest dates ``first_date`` (default ``ingest_date``) .. ``ingest_date``:
    every source, changed keys, DQ figures and run log per date."""
    started = datetime.now(timezone.utc).replace(tzinfo=None)
    days = dates_between(first_date or ingest_date, ingest_date)
    rates = load_fx_rates(spark)
    # The sources share no table until quarantine: side by side, the small sources' jobs
    # fill the cores while the events step plans and commits.
    results = run_side_by_side([lambda: silver_events(spark, days, rates),
                                lambda: silver_subscriptions(spark, days, rates),
                                lambda: silver_spend(spark, days)])
    with described(spark, "silver: write changed keys"):
        write_changed_keys(DOMAIN, days, [r.keys for r in results])    # before the slices: see above
    run_side_by_side([r.write for r in results])
    with described(spark, "silver: quarantine"):
        quarantine({r.source: r.rejected for r in results}, DOMAIN, days)
    with described(spark, "silver: DQ figures over silver"):
        over_silver = dq.global_metrics(spark, days)
    figures = {}
    for day in days:
        counts = [r.counts[day] for r in results]
        figures[day] = ([row for c in counts for row in dq.source_metrics(c)] + dq.event_metrics(counts[0])
                        + over_silver[day])
    with described(spark, "silver: write DQ figures, run log"):
        dq.write_metrics(spark, DOMAIN, figures)
        write_run_log(spark, [RunRecord(DOMAIN, "silver", c.source, day, c.files, c.bronze_rows,
                                        c.silver_rows + c.duplicates + c.conflicts + sum(c.quarantined.values()),
                                        started) for r in results for day, c in r.counts.items()])
    spark.catalog.clearCache()
    for day in days:
        print(dq.format_table(day, [r.counts[day] for r in results], figures[day]), flush=True)
