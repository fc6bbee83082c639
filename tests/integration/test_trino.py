"""Trino over the lake Spark writes: a real Trino 476 (started by spark_jobs.trino.server on
a free port) reading the session's MinIO through the same Iceberg JDBC catalog.

One lake is built by a Spark subprocess (trino_lake_probe.py: both domains, two days, then a
third subscriptions day whose quality gate fails) and one Trino serves every test here.
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest
from trino_values import plain, trino_type

from spark_jobs.processes import free_port

pytestmark = pytest.mark.integration

PROBE = Path(__file__).with_name("trino_lake_probe.py")
ROOT = Path(__file__).resolve().parents[2]



@pytest.fixture(scope="module")
def trino_lake(minio_env, tmp_path_factory):
    """Trino started first, on a catalog nothing has written yet (as `make demo` on a fresh
    clone starts it), then the lake the probe's Spark builds under a prefix of its own."""
    import subprocess

    from spark_jobs.trino import server as trino_server
    from spark_jobs.config import load_settings

    env = {**os.environ, **minio_env, "SHOPLAKE_TRINO_PORT": str(free_port()), "TZ": "UTC", "PYTHONPATH": str(ROOT),
           "SHOPLAKE_HOME": str(tmp_path_factory.mktemp("trino-lake")),
           "SHOPLAKE_LANDING": "s3://landing/trino-lake", "SHOPLAKE_WAREHOUSE": "s3://warehouse/trino-lake"}
    settings = load_settings(env)
    seconds = trino_server.up(settings)
    try:
        started = time.monotonic()
        done = subprocess.run([sys.executable, str(PROBE)], env=env, capture_output=True, text=True, timeout=1200)
        assert done.returncode == 0, done.stderr[-3000:]
        print(f"\nTrino ready in {seconds:.1f} s on an empty catalog; lake built by Spark in "
              f"{time.monotonic() - started:.0f} s")
        yield {"env": env, "settings": settings, "spark": json.loads(done.stdout.strip().splitlines()[-1]),
               "start_seconds": seconds}
    finally:
        trino_server.down(settings)


def trino_read(settings, query: str) -> dict:
    """Trino's answer in the probe's form: schema (name, Trino type) and sorted plain rows."""
    from spark_jobs.trino.client import fetch

    result = fetch(settings, query)
    rows = sorted((plain(row) for row in result.rows), key=json.dumps)
    return {"schema": [list(pair) for pair in zip(result.columns, result.types)], "rows": rows}


def expected_from_spark(spark_read: dict) -> dict:
    return {"schema": [[name, trino_type(kind)] for name, kind in spark_read["schema"]], "rows": spark_read["rows"]}


def test_trino_runs_on_loopback_with_no_key_on_its_command_line(trino_lake):
    from process_watch import listening

    from spark_jobs.minio_users import read_only_keys
    from spark_jobs.trino.server import START_TIMEOUT, read_pid, status

    settings = trino_lake["settings"]
    assert 0 < trino_lake["start_seconds"] < START_TIMEOUT
    answer = status(settings)
    assert answer.running and not answer.starting and answer.version == "476"
    assert answer.pid == read_pid(settings) is not None
    listeners = listening({answer.pid})
    assert ("127.0.0.1", settings.trino_port) in listeners
    assert {address for address, _ in listeners} == {"127.0.0.1"}
    command_line = Path(f"/proc/{answer.pid}/cmdline").read_bytes().decode()
    assert "io.trino.server.TrinoServer" in command_line
    keys = read_only_keys(settings)
    for secret in (settings.s3_access_key, settings.s3_secret_key, keys.access_key, keys.secret_key):
        assert secret not in command_line


def test_every_gold_table_reads_the_same_through_trino_and_spark(trino_lake):
    published = trino_lake["spark"]["published"]
    from spark_jobs.registry import domains

    assert set(published) == {f"gold.{t}" for d in domains().values() for t in d.gold_tables}
    for table, spark_read in published.items():
        assert trino_read(trino_lake["settings"], f"SELECT * FROM {table}") == expected_from_spark(spark_read), table
    # One generated day leaves some tables empty (MRR needs a day's close); most have rows.
    with_rows = {table for table, read in published.items() if read["rows"]}
    assert {"gold.daily_active_users", "gold.training_input"} <= with_rows
    assert len(with_rows) * 2 > len(published), sorted(set(published) - with_rows)
    training = published["gold.training_input"]
    assert training["rows"] and ["actions", "array<int>"] in training["schema"]
    assert {len(row[[n for n, _ in training["schema"]].index("actions")]) for row in training["rows"]} == {1000}


def test_trino_reads_main_while_the_failed_run_stays_on_the_audit_branch(trino_lake):
    spark = trino_lake["spark"]
    settings = trino_lake["settings"]
    assert "daily_active_users event_date is unique" in spark["gate"]
    main = trino_read(settings, "SELECT * FROM gold.daily_active_users")
    audit = trino_read(settings, "SELECT * FROM gold.daily_active_users FOR VERSION AS OF 'audit'")

    assert main == expected_from_spark(spark["published"]["gold.daily_active_users"])
    assert main == expected_from_spark(spark["main_after_gate"])
    assert audit == expected_from_spark(spark["audit_after_gate"])
    assert max(r[0] for r in audit["rows"]) > max(r[0] for r in main["rows"])     # the unpublished day
    assert len(audit["rows"]) > len({r[0] for r in audit["rows"]})                 # the duplicate the gate caught


def test_snapshots_metadata_table_lists_the_published_history(trino_lake):
    history = trino_read(trino_lake["settings"], 'SELECT snapshot_id, operation FROM gold."daily_active_users$snapshots"')
    refs = trino_read(trino_lake["settings"], 'SELECT name, type FROM gold."daily_active_users$refs"')
    assert len(history["rows"]) >= 2
    assert {name for name, _ in refs["rows"]} >= {"main", "audit"}


@pytest.mark.parametrize("statement", [
    "INSERT INTO gold.daily_active_users SELECT * FROM gold.daily_active_users",
    "DELETE FROM gold.daily_active_users",
    "CREATE TABLE gold.analyst_scratch (id integer)",
    "DROP TABLE gold.daily_active_users",
])
def test_a_write_through_trino_is_refused_in_one_line(trino_lake, statement):
    from spark_jobs.errors import ShoplakeError
    from spark_jobs.trino.client import fetch

    with pytest.raises(ShoplakeError, match=r"^Trino reads the lake only \(Access Denied: ") as refused:
        fetch(trino_lake["settings"], statement)
    assert "\n" not in str(refused.value)
    assert trino_read(trino_lake["settings"], "SELECT * FROM gold.daily_active_users")["rows"] == \
        trino_lake["spark"]["main_after_gate"]["rows"]


def test_the_read_only_minio_user_reads_but_cannot_write_or_delete(trino_lake):
    import boto3
    from botocore.exceptions import ClientError

    from spark_jobs.minio_users import read_only_keys

    settings = trino_lake["settings"]
    keys = read_only_keys(settings)
    client = boto3.client("s3", endpoint_url=settings.s3_endpoint, region_name=settings.s3_region,
                          aws_access_key_id=keys.access_key, aws_secret_access_key=keys.secret_key)
    bucket, _, root = settings.warehouse.removeprefix("s3://").partition("/")
    gold = f"{root}/gold/".lstrip("/")
    some_file = client.list_objects_v2(Bucket=bucket, Prefix=gold)["Contents"][0]["Key"]
    assert client.get_object(Bucket=bucket, Key=some_file)["Body"].read()
    for attempt in (lambda: client.put_object(Bucket=bucket, Key=f"{gold}planted.parquet", Body=b"x"),
                    lambda: client.delete_object(Bucket=bucket, Key=some_file),
                    lambda: client.put_object(Bucket="landing", Key="planted.ndjson", Body=b"{}")):
        with pytest.raises(ClientError) as denied:
            attempt()
        assert denied.value.response["Error"]["Code"] == "AccessDenied"
    assert client.head_object(Bucket=bucket, Key=some_file)


def test_generated_trino_state_is_owner_only_and_holds_no_lake_key(trino_lake):
    from spark_jobs.trino.config import trino_dir

    settings = trino_lake["settings"]
    home = trino_dir(settings)
    for path in [home, *home.rglob("*")]:
        assert path.stat().st_mode & 0o077 == 0, path
    catalog = (home / "etc" / "catalog" / "lake.properties").read_text()
    assert "iceberg.security=read_only" in catalog
    assert settings.s3_secret_key not in catalog and settings.s3_access_key not in catalog


def test_shoplake_sql_defaults_to_trino_while_it_runs(trino_lake, shoplake):
    env = trino_lake["env"]
    dau = trino_lake["spark"]["published"]["gold.daily_active_users"]["rows"]
    done = shoplake("sql", "SELECT typeof(1) AS engine_type, count(*) AS n FROM gold.daily_active_users",
                    "--format", "csv", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["engine_type,n", f"integer,{len(dau)}"]    # Spark would say `int`
    status = shoplake("services", "status", env=env)
    assert f"trino: ready at http://127.0.0.1:{env['SHOPLAKE_TRINO_PORT']} version=476" in status.stdout


def test_shoplake_sql_through_trino_refuses_a_write_with_one_line(trino_lake, shoplake):
    done = shoplake("sql", "DELETE FROM gold.daily_active_users", "--engine", "trino", env=trino_lake["env"])
    assert done.returncode == 2
    assert done.stderr.startswith("shoplake: Trino reads the lake only (Access Denied: Cannot delete from table")
    assert len(done.stderr.strip().splitlines()) == 1


def test_services_up_again_keeps_trino_and_down_stops_it_by_its_pid(trino_lake):
    """Last in this module: it stops the module's Trino (the fixture's own stop is then a no-op)."""
    from spark_jobs.trino import services as trino_services
    from spark_jobs.trino.server import read_pid, status

    settings = trino_lake["settings"]
    pid = read_pid(settings)
    again = trino_services.up(settings)
    assert again.startswith("trino: ready") and "started in" not in again
    assert read_pid(settings) == pid

    assert trino_services.down(settings) == "trino: stopped"
    assert not Path(f"/proc/{pid}").exists() and not status(settings).running
    assert trino_services.describe(settings) == f"trino: down (http://127.0.0.1:{settings.trino_port})"
    assert trino_services.down(settings) == "trino: was not running"
