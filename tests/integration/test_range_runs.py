"""A range of ingest dates run at once leaves the lake exactly as running its days one by one.

Issue #19: ``shoplake run D --to D2``, a manual DAG run with start and end, and the demo
process a range's bronze and silver as one batch, and every guarantee of landing.md must
still hold. For each domain, on the short hard-case world of the default suite
(``test_reference_worlds``: late and re-delivered data, sources that start late,
quarantined records, ...), the world is first run day by day in order and the lake
captured; then, each time on an empty lake:

1. one ``run_domain_range`` over all the days leaves bronze, silver, gold, quarantine,
   ``ops.dq_metrics`` and the counts of ``ops.run_log`` with the same rows as the day-by-day
   runs: every date keeps its own figures, quarantined records, versions and reconciliation
   counts, not only the range's last date; and the published gold equals the from-scratch
   reference;
2. the days run as ranges in pieces (the first half, then the later half on the lake the
   first left), then an overlapping middle range again, leave the same rows too: a range
   that continues a lake and a range re-run (a no-op, landing.md guarantee 1) change
   nothing a daily run would not. The published gold equals the reference after every run.

Left out are only the columns that say when, or by which Spark application, a row was
written (``DIFFERS_BETWEEN_RUNS``), two derived tables whose rows depend on the order of
runs even day by day (``NOT_COMPARED``; what is made of them is compared) and the
histories of carousels no longer shown (``histories_of_shown_carousels``). Bronze and
silver run a range as one batch (one read, one resolution, one commit per table); recsys
history still runs date by date.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from lake_support import reset_lake
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from test_reference_worlds import EXPECTED, SHORT_DAYS, SHORT_SEED, START, assert_matches, land_world, short

from spark_jobs.config import Settings
from spark_jobs.jobs import run_domain_day, run_domain_range
from spark_jobs.recsys import history as recsys_history
from spark_jobs.recsys.rankings import carousels
from spark_jobs.recsys.tables import HISTORIES, IMPRESSIONS, STATE
from spark_jobs.registry import domain as declared

pytestmark = pytest.mark.integration

COMPARED_NAMESPACES = ("bronze", "silver", "gold", "quarantine")
COMPARED_OPS_TABLES = ("ops.dq_metrics", "ops.run_log")
# Tables whose rows legitimately depend on how the dates were run; what is made of them is compared.
NOT_COMPARED = {
    # The keys silver hands gold to recompute: a key too many only makes gold recompute a
    # row to the same value, so a one-pass silver may hand over more (or other) keys per date.
    "ops.changed_keys",
    # The history job's cache, one folded history per customer valid for the days after its
    # as_of_date. A customer rebuilt because a date's actions changed (late data, or any
    # re-run of the date, day by day too) is re-dated to the watermark, with that day's
    # window: same answers, other rows. Its answers are compared in
    # silver.recsys_impression_histories and gold.training_input.
    STATE,
}

# Columns that record when, or by which Spark application, a row was written: two runs of
# the same landing data differ in them by nature (keyed by table, or by namespace).
DIFFERS_BETWEEN_RUNS = {
    "bronze": ("loaded_at",),                      # clock of the bronze run that first loaded the record
    "quarantine.records": ("quarantined_at",),     # clock of the silver run that quarantined the record
    "ops.dq_metrics": ("run_id", "computed_at"),   # Spark application id and clock of the silver run
    "ops.run_log": ("run_id", "started_at", "finished_at"),   # application id and clock of the job
}
# A date's 'publish' entry in ops.run_log counts the gold rows of the run that published it:
# day by day, the gold as of that date; a range publishes all its dates at once, with the
# gold of its last date. Only these two counts are blanked, and only for stage 'publish'.
PUBLISH_COUNTS = ("records_read", "rows_in_table")


def histories_of_shown_carousels(spark, histories: DataFrame) -> DataFrame:
    """The history job writes the (customer, dt) history of every carousel an ingest date
    asks for and never deletes one. Day by day, a carousel that a later delivery replaces
    by an empty one (or another customer's) got its history on its first day; a range whose
    silver already holds the re-delivery never asks for it. Nothing reads such a history:
    only those of carousels that are shown (win with items), which gold joins, are compared."""
    shown = carousels(spark, spark.table(IMPRESSIONS).select("dt", "ranking_id").distinct())
    return histories.join(shown.select("customer_id", "dt").distinct(), ["customer_id", "dt"], "left_semi")


ROWS_COMPARED: dict[str, Callable[..., DataFrame]] = {HISTORIES: histories_of_shown_carousels}


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: Counter      # row tuple → copies


def hashable(value):
    """A collected value as nested tuples (arrays, structs and maps), so rows can be counted."""
    if isinstance(value, (list, tuple)):
        return tuple(hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, hashable(v)) for k, v in value.items()))
    return value


def volatile_columns(table: str) -> tuple[str, ...]:
    return DIFFERS_BETWEEN_RUNS.get(table) or DIFFERS_BETWEEN_RUNS.get(table.partition(".")[0], ())


def compared_tables(spark) -> list[str]:
    listed = [f"{ns}.{row['tableName']}" for ns in COMPARED_NAMESPACES
              for row in spark.sql(f"SHOW TABLES IN {ns}").collect() if not row["isTemporary"]]
    return [table for table in sorted(listed) + list(COMPARED_OPS_TABLES) if table not in NOT_COMPARED]


def compared_rows(spark, table: str) -> DataFrame:
    frame = spark.table(table)
    if table in ROWS_COMPARED:
        frame = ROWS_COMPARED[table](spark, frame)
    frame = frame.drop(*volatile_columns(table))
    if table == "ops.run_log":
        for column in PUBLISH_COUNTS:
            frame = frame.withColumn(column, F.when(F.col("stage") != "publish", F.col(column)))
    return frame


def lake_contents(spark) -> dict[str, Table]:
    """Every compared table's rows (main branch), as compared."""
    contents = {}
    for table in compared_tables(spark):
        frame = compared_rows(spark, table)
        contents[table] = Table(tuple(frame.columns), Counter(hashable(tuple(r)) for r in frame.collect()))
    return contents


def differences(got: dict[str, Table], expected: dict[str, Table]) -> list[str]:
    """One line per table whose rows differ: how many rows on each side only, a few of them."""
    lines = []
    for table in sorted(set(got) | set(expected)):
        if table not in got or table not in expected:
            lines.append(f"{table}: only {'after the ranges' if table in got else 'day by day'}")
            continue
        mine, theirs = got[table], expected[table]
        if mine.columns != theirs.columns:
            lines.append(f"{table}: columns {mine.columns} after the ranges, {theirs.columns} day by day")
            continue
        extra = sorted((mine.rows - theirs.rows).elements(), key=repr)
        missing = sorted((theirs.rows - mine.rows).elements(), key=repr)
        if extra or missing:
            lines.append(f"{table} {mine.columns}: {len(missing)} rows only day by day {short(missing)}, "
                         f"{len(extra)} only after the ranges {short(extra)}")
    return lines


def ingest_dates(table: Table) -> set[date]:
    return {row[table.columns.index("ingest_date")] for row in table.rows}


@dataclass(frozen=True)
class World:
    domain: str
    landing: Path
    lake: Settings                    # the session's lake, reading the world's landing
    days: list[date]
    day_by_day: dict[str, Table]      # the lake after running every day in order

    def run(self, spark, indexes: range, processed: set[date]) -> str:
        """One range run over the days of ``indexes``; the published gold must then equal
        the reference over every date processed so far. Returns the range as text."""
        days = self.days[indexes.start:indexes.stop]
        run_domain_range(spark, self.lake, self.domain, days)
        processed.update(days)
        ran = f"{days[0]}..{days[-1]}"
        assert_matches(spark, self.domain, EXPECTED[self.domain](self.landing, processed),
                       f"{self.domain} world seed={SHORT_SEED}, after the range run {ran}")
        return ran

    def assert_lake_as_day_by_day(self, spark, context: str) -> None:
        lines = differences(lake_contents(spark), self.day_by_day)
        assert not lines, (f"{self.domain}, {context}: {len(lines)} tables differ from running the days "
                           f"one by one:\n" + "\n".join(lines))


@pytest.fixture(scope="module", params=["subscriptions", "recsys"])
def world(request, spark, settings, tmp_path_factory) -> World:
    """The domain's short world, landed and run day by day in order; the lake captured."""
    domain = request.param
    landing = tmp_path_factory.mktemp(f"{domain}_range_world")
    land_world(domain, landing, SHORT_DAYS, SHORT_SEED)
    lake = settings.with_overrides(landing=str(landing))
    days = [START + timedelta(days=n) for n in range(SHORT_DAYS)]
    reset_lake(spark)
    for day in days:
        run_domain_day(spark, lake, domain, day)
    day_by_day = lake_contents(spark)

    # Not a vacuous comparison: every date left figures and records of its own.
    every_day = ["ops.run_log", "quarantine.records"]
    every_day += {"subscriptions": ["ops.dq_metrics", "silver.subscriptions_versions"],
                  "recsys": ["silver.recsys_actions", "silver.recsys_impressions"]}[domain]
    for table in every_day:
        assert ingest_dates(day_by_day[table]) == set(days), f"{domain}: {table} lacks some days"
    for table in declared(domain).gold_tables:
        assert day_by_day[f"gold.{table}"].rows, f"{domain}: gold.{table} is empty"
    return World(domain, landing, lake, days, day_by_day)


def test_one_range_run_equals_running_its_days_one_by_one(spark, world, monkeypatch):
    # Recsys history goes through a range a few dates a step: steps of 3 make this range two
    # steps, so a step boundary and the from-scratch carousels inside a step are both run.
    monkeypatch.setattr(recsys_history, "RANGE_STEP_DAYS", 3)
    reset_lake(spark)
    everything = world.run(spark, range(SHORT_DAYS), set())
    world.assert_lake_as_day_by_day(spark, f"one range run {everything}")


@pytest.mark.slow   # ~1.5 min a domain; the default suite runs the one-range case
def test_ranges_in_pieces_and_a_range_re_run_equal_running_the_days_one_by_one(spark, world, monkeypatch):
    monkeypatch.setattr(recsys_history, "RANGE_STEP_DAYS", 1)    # the daily path inside a range
    reset_lake(spark)
    processed: set[date] = set()
    half = SHORT_DAYS // 2
    first = world.run(spark, range(half), processed)
    later = world.run(spark, range(half, SHORT_DAYS), processed)
    world.assert_lake_as_day_by_day(spark, f"the range runs {first}, then {later}")
    middle = world.run(spark, range(half - 1, half + 1), processed)
    world.assert_lake_as_day_by_day(spark, f"the range runs {first}, {later}, then {middle} again")
