"""The production catalog, proven here: a lake on MinIO whose Iceberg JDBC catalog is a
real PostgreSQL server (started by ``spark_jobs.local_postgres``), driven through the CLI
as a user would. One generated day is run, then run again: the re-run must change no
row of any table, PyIceberg (SQLAlchemy + psycopg2) reads what Spark (the JDBC driver)
wrote, and the domain lock row lives in the same PostgreSQL database."""
from __future__ import annotations

import os
import sys
import time

import pytest
from fault_injection import catalog_contents, differences
from process_watch import run_watched

pytestmark = pytest.mark.integration

DAY = "2026-01-01"
SHOPLAKE = [sys.executable, "-m", "spark_jobs.cli"]


def _timed(cli, *args):
    started = time.monotonic()
    result = cli(*args)
    return result, time.monotonic() - started


@pytest.fixture(scope="module")
def postgres_lake(minio_env, postgres_catalog, shoplake, tmp_path_factory):
    """A lake whose catalog is PostgreSQL, after `init` and one run of a generated day.

    Tables live under their own prefix of the session's MinIO buckets, so the SQLite
    lakes of other tests never share a path with them. Yields ``env`` (SHOPLAKE_*),
    ``settings``, ``cli`` and ``first`` (every table's rows after the first run); a Trino
    query against this catalog can use the same fixture.
    """
    from spark_jobs.catalog import load_catalog
    from spark_jobs.config import load_settings

    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPLAKE_")}
    env.update(minio_env)
    env.update(postgres_catalog.catalog_env())
    env.update({"SHOPLAKE_HOME": str(tmp_path_factory.mktemp("postgres-lake")),
                "SHOPLAKE_LANDING": "s3://landing/postgres-catalog",
                "SHOPLAKE_WAREHOUSE": "s3://warehouse/postgres-catalog"})
    cli = lambda *args: shoplake(*args, env=env)  # noqa: E731
    settings = load_settings(env)
    generated = cli("generate", "subscriptions", "--days", "1", "--seed", "7", "--start", DAY)
    assert generated.returncode == 0, generated.stderr
    init = cli("init")
    assert init.returncode == 0, init.stderr
    (first, watched), seconds = _timed(lambda: run_watched(SHOPLAKE + ["run", "subscriptions", "--date", DAY], env))
    assert first.returncode == 0, first.stderr
    print(f"\nfirst run on the PostgreSQL catalog: {seconds:.1f} s")
    yield {"env": env, "settings": settings, "cli": cli, "watched": watched,
           "first": catalog_contents(load_catalog(settings))}


def test_init_and_a_day_commit_to_postgresql_only(postgres_lake, postgres_catalog):
    import psycopg2

    settings = postgres_lake["settings"]
    first = postgres_lake["first"]
    assert not (settings.home / "catalog.db").exists()
    with psycopg2.connect(host="127.0.0.1", port=postgres_catalog.port, dbname="iceberg", user="iceberg",
                          password=postgres_catalog.catalog_password) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT table_namespace || '.' || table_name FROM iceberg_tables")
        in_postgres = {row[0] for row in cursor.fetchall()}
    assert {name for name in first if not name.endswith(" properties")} <= in_postgres
    assert len(first["bronze.subscriptions_events"]) > 100
    assert len(first["gold.daily_active_users"]) > 0


def test_the_catalog_password_is_never_on_a_command_line(postgres_lake):
    watched = postgres_lake["watched"]
    password = postgres_lake["settings"].catalog_password
    assert any("org.apache.spark.deploy.SparkSubmit" in line for line in watched.command_lines)
    assert [line for line in watched.command_lines if password in line] == []


def test_a_rerun_of_the_day_changes_no_row(postgres_lake):
    from spark_jobs.catalog import load_catalog

    again, seconds = _timed(postgres_lake["cli"], "run", "subscriptions", "--date", DAY)
    assert again.returncode == 0, again.stderr
    print(f"\nre-run on the PostgreSQL catalog: {seconds:.1f} s")
    assert differences(catalog_contents(load_catalog(postgres_lake["settings"])), postgres_lake["first"]) == {}


def test_the_domain_lock_is_a_row_in_postgresql(postgres_lake, postgres_catalog):
    import psycopg2

    from spark_jobs.domain_lock import LOCK_TABLE, domain_lock

    settings = postgres_lake["settings"]
    with domain_lock(settings, "subscriptions", "a test holding the lock"):
        with psycopg2.connect(host="127.0.0.1", port=postgres_catalog.port, dbname="iceberg", user="iceberg",
                              password=postgres_catalog.catalog_password) as connection, \
                connection.cursor() as cursor:
            cursor.execute(f"SELECT domain, purpose, pid FROM {LOCK_TABLE}")
            assert cursor.fetchall() == [("subscriptions", "a test holding the lock", os.getpid())]
        refused = postgres_lake["cli"]("run", "subscriptions", "--date", DAY)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "another run of subscriptions holds the lock since" in refused.stderr
    assert "a test holding the lock" in refused.stderr
