"""Two `shoplake run subscriptions --date D` processes of the same new day, started
together against one lake (real Spark, SQLite JDBC catalog): one runs, the other stops
with one line naming the holder; no table holds a key twice; every gold table's main
moved once, to exactly the snapshot a passing scan tagged."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pytest
from lake_support import reset_lake

from spark_jobs.bronze import BRONZE_KEY
from spark_jobs.datagen.subscriptions import generate
from spark_jobs.gold import table_spec
from spark_jobs.quarantine import QUARANTINE_KEY
from spark_jobs.subscriptions import DOMAIN as declaration
from spark_jobs.subscriptions.changed_keys import KEY_COLUMNS
from spark_jobs.subscriptions.dq import DQ_KEY

pytestmark = pytest.mark.integration

DAY = date(2026, 1, 1)
# The key each table written by a subscriptions run holds once (gold: from its yml).
KEYS = {
    **{source.bronze_table: BRONZE_KEY for source in declaration.sources},
    "quarantine.records": QUARANTINE_KEY,
    "ops.run_log": ("domain", "stage", "source", "ingest_date"),
    "ops.dq_metrics": DQ_KEY,
    "ops.changed_keys": KEY_COLUMNS,
    "silver.events": ("event_id",),
    "silver.event_versions": ("event_id", "payload_hash", "ingest_date"),
    "silver.event_conflicts": ("event_id", "payload_hash", "ingest_date"),
    "silver.subscriptions": ("subscription_id",),
    "silver.subscriptions_versions": ("subscription_id", "ingest_date"),
    "silver.marketing_spend": ("spend_date", "channel"),
    "silver.marketing_spend_versions": ("spend_date", "channel", "ingest_date"),
    "silver.fx_rates": ("currency", "version"),
    **{f"gold.{name}": tuple(table_spec("subscriptions", name)["keys"]) for name in declaration.gold_tables},
}


@pytest.fixture(scope="module")
def raced(spark, settings, tmp_path_factory):
    """The two runs' results, on an emptied lake whose landing holds one generated day."""
    landing = tmp_path_factory.mktemp("concurrent_landing")
    generate(settings, str(landing), days=1, seed=5, start=DAY, events_per_day=60)
    reset_lake(spark)
    env = {**os.environ, "SHOPLAKE_LANDING": str(landing)}
    command = [sys.executable, "-m", "spark_jobs.cli", "run", "subscriptions", "--date", DAY.isoformat()]
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    results = [(run.wait(timeout=900), *run.communicate()) for run in runs]
    for table in KEYS:      # the runs committed in other processes: drop this session's cached copies
        spark.sql(f"REFRESH TABLE {table}")
    return results


def test_one_run_writes_and_the_other_stops_with_one_line_naming_the_holder(raced):
    codes = sorted(code for code, _, _ in raced)
    assert codes == [0, 2], [err[-2000:] for _, _, err in raced]
    _, _, refused = next(result for result in raced if result[0] == 2)
    assert refused.startswith("shoplake: another run of subscriptions holds the lock since ")
    assert "(shoplake run subscriptions 2026-01-01..2026-01-01, host " in refused and refused.count("\n") == 1


def test_no_table_holds_a_key_twice(raced, spark):
    counts = " UNION ALL ".join(f"SELECT '{table}' AS t, count(*) - count(DISTINCT struct({', '.join(key)})) AS extra "
                                f"FROM {table}" for table, key in KEYS.items())
    doubled = {r["t"]: r["extra"] for r in spark.sql(counts).collect() if r["extra"]}
    assert not doubled
    assert spark.table("silver.events").count() > 0      # the day did land


def test_gold_main_moved_once_to_the_snapshot_its_passing_scan_tagged(raced, spark):
    winner_output = next(out for code, out, _ in raced if code == 0)
    assert "checks passed" in winner_output
    for name in declaration.gold_tables:
        table = f"gold.{name}"
        refs = {r["name"]: r["snapshot_id"] for r in spark.sql(f"SELECT name, snapshot_id FROM {table}.refs").collect()}
        history = spark.sql(f"SELECT snapshot_id FROM {table}.history").collect()
        assert refs["main"] == refs["scanned"], table
        assert [r["snapshot_id"] for r in history] == [refs["main"]], table
