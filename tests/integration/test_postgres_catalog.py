"""The production path, proven here: a lake on MinIO whose Iceberg JDBC catalog is a real
PostgreSQL server (``spark_jobs.local_postgres``), driven through the CLI as a user would
(fixture ``postgres_lake``: `init` and one generated day on local[2]). A re-run of the day
must change no row of any table, and Trino opened on the same PostgreSQL catalog reads
every gold table as PyIceberg does (the slow variant re-runs it on a Spark standalone
cluster, ``spark_jobs.local_spark_cluster``: PostgreSQL and a cluster together). PyIceberg (SQLAlchemy + psycopg2) reads
what Spark (the JDBC driver) wrote, and the domain lock row lives in the same database."""
from __future__ import annotations

import os
import sys
import time

import pytest
from fault_injection import RUN_COLUMNS, _comparable, catalog_contents, differences
from lake_support import executor_logs
from process_watch import run_watched
from trino_values import plain

from spark_jobs.processes import free_port

pytestmark = pytest.mark.integration

EXECUTOR_CLASS = "org.apache.spark.executor.CoarseGrainedExecutorBackend"


def _connect(server):
    import psycopg2

    return psycopg2.connect(host="127.0.0.1", port=server.port, dbname="iceberg", user="iceberg",
                            password=server.catalog_password)


def _secrets(settings) -> tuple[str, ...]:
    return (settings.s3_access_key, settings.s3_secret_key, settings.catalog_password)


def test_init_and_a_day_commit_to_postgresql_only(postgres_lake, postgres_catalog):
    settings, first = postgres_lake["settings"], postgres_lake["first"]
    assert not (settings.home / "catalog.db").exists()
    with _connect(postgres_catalog) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT table_namespace || '.' || table_name FROM iceberg_tables")
        in_postgres = {row[0] for row in cursor.fetchall()}
    assert {name for name in first if not name.endswith(" properties")} <= in_postgres
    assert len(first["bronze.subscriptions_events"]) > 100
    assert len(first["gold.daily_active_users"]) > 0


def test_no_secret_on_a_command_line_during_the_run(postgres_lake):
    watched = postgres_lake["watched"]
    assert any("org.apache.spark.deploy.SparkSubmit" in line for line in watched.command_lines)
    secrets = _secrets(postgres_lake["settings"])
    assert [line for line in watched.command_lines if any(secret in line for secret in secrets)] == []


def test_a_rerun_of_the_day_changes_no_row(postgres_lake):
    from spark_jobs.catalog import load_catalog

    started = time.monotonic()
    again = postgres_lake["cli"]("run", "subscriptions", "--date", postgres_lake["day"])
    assert again.returncode == 0, again.stderr
    print(f"\nre-run on local[2] with the PostgreSQL catalog: {time.monotonic() - started:.1f} s")
    assert differences(catalog_contents(load_catalog(postgres_lake["settings"])), postgres_lake["first"]) == {}


def test_the_domain_lock_is_a_row_in_postgresql(postgres_lake, postgres_catalog):
    from spark_jobs.domain_lock import LOCK_TABLE, domain_lock

    with domain_lock(postgres_lake["settings"], "subscriptions", "a test holding the lock"):
        with _connect(postgres_catalog) as connection, connection.cursor() as cursor:
            cursor.execute(f"SELECT domain, purpose, pid FROM {LOCK_TABLE}")
            assert cursor.fetchall() == [("subscriptions", "a test holding the lock", os.getpid())]
        refused = postgres_lake["cli"]("run", "subscriptions", "--date", postgres_lake["day"])
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "another run of subscriptions holds the lock since" in refused.stderr
    assert "a test holding the lock" in refused.stderr


@pytest.mark.slow
def test_a_rerun_on_the_spark_cluster_changes_no_row(postgres_lake, spark_cluster):
    """Executors in their own JVMs read the landing files (S3A) and the tables (S3FileIO)
    from MinIO with credentials the driver sent them: none is in their environment or
    on any command line, and the recomputed day matches what local[2] wrote."""
    from spark_jobs.catalog import load_catalog

    env = {**postgres_lake["env"], "SHOPLAKE_SPARK_MASTER": spark_cluster.master_url}
    command = [sys.executable, "-m", "spark_jobs.cli", "run", "subscriptions", "--date", postgres_lake["day"]]
    started = time.monotonic()
    again, watched = run_watched(command, env)
    assert again.returncode == 0, again.stderr
    print(f"\nre-run on the standalone cluster with the PostgreSQL catalog: {time.monotonic() - started:.1f} s")
    executors = [line for line in watched.command_lines if EXECUTOR_CLASS in line]
    assert executors, "no executor JVM was seen in ps"
    secrets = _secrets(postgres_lake["settings"])
    assert [line for line in watched.command_lines if any(secret in line for secret in secrets)] == []
    logs = executor_logs(spark_cluster, "shoplake run subscriptions")
    assert any("Running task" in log for log in logs)
    assert not any(secret in log for log in logs for secret in secrets)
    assert differences(catalog_contents(load_catalog(postgres_lake["settings"])), postgres_lake["first"]) == {}



def _as_json(rows) -> list:
    return sorted(([plain(_comparable(value)) for value in row] for row in rows), key=repr)


def test_trino_on_the_postgresql_catalog_reads_every_gold_table(postgres_lake):
    """Trino's lake catalog pointed at PostgreSQL (user and password from the catalog
    settings, S3 through the read-only MinIO user) answers every gold table with the rows
    PyIceberg read after the day's run."""
    from spark_jobs.catalog import load_catalog
    from spark_jobs.config import load_settings
    from spark_jobs.trino import server as trino_server
    from spark_jobs.trino.client import fetch

    settings = load_settings({**postgres_lake["env"], "SHOPLAKE_TRINO_PORT": str(free_port())})
    catalog = load_catalog(settings)
    gold = [name for name in postgres_lake["first"] if name.startswith("gold.") and " " not in name]
    assert "gold.daily_active_users" in gold
    seconds = trino_server.up(settings)
    print(f"\nTrino on the PostgreSQL catalog ready in {seconds:.1f} s")
    try:
        for name in gold:
            columns = [f.name for f in catalog.load_table(name).schema().fields if f.name not in RUN_COLUMNS]
            result = fetch(settings, f"SELECT {', '.join(columns)} FROM {name}")
            assert _as_json(result.rows) == _as_json(postgres_lake["first"][name]), name
    finally:
        trino_server.down(settings)
