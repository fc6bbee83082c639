"""subscriptions_daily on real MinIO, a real Iceberg catalog and real spark-submit tasks.

Lands generated files under a prefix of the session's MinIO buckets that only this lake
uses (with a catalog of its own: the erasure verifier must find no other lake's files in
its landing zone), runs the DAG with dag.test() for the later of two landed ingest
dates, which catches up on the earlier one, then re-runs the earlier date, and checks
bronze against the landing files themselves.
"""
from __future__ import annotations

import json
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from spark_jobs.catalog import load_catalog
from spark_jobs.config import load_settings
from spark_jobs.storage import s3_client

pytestmark = pytest.mark.integration
DAY1, DAY2 = date(2026, 1, 1), date(2026, 1, 2)
SOURCES = ("events", "subscriptions", "marketing_spend")
DAG_DIR = Path(__file__).resolve().parents[2] / "dags"


def landing_record_count(settings, source: str, day: date) -> int:
    """Records in the landing folder, counted independently of Spark."""
    client = s3_client(settings)
    bucket, _, root = settings.landing.removeprefix("s3://").partition("/")
    prefix = f"{root}/subscriptions/{source}/ingest_date={day}/".lstrip("/")
    count = 0
    for obj in client.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", []):
        name = obj["Key"].rsplit("/", 1)[-1]
        if name.startswith(("_", ".")):
            continue
        text = client.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read().decode()
        lines = [line for line in text.splitlines() if line.strip()]
        if source == "events":
            count += len(lines)
        elif source == "marketing_spend":
            count += len(lines) - 1
        else:
            try:
                parsed = json.loads(text)
                count += len(parsed) if isinstance(parsed, list) else 1
            except json.JSONDecodeError:
                count += 1
    return count


def bronze_snapshot(catalog, source: str, day: date) -> list[tuple]:
    table = catalog.load_table(f"bronze.subscriptions_{source}")
    rows = table.scan(row_filter=f"ingest_date == '{day}'",
                      selected_fields=("source_file", "record_number", "content_hash")).to_arrow().to_pylist()
    return sorted((r["source_file"], r["record_number"], r["content_hash"]) for r in rows)


def run_dag(day: date):
    from airflow.dag_processing.dagbag import DagBag

    dag = DagBag(dag_folder=str(DAG_DIR)).dags["subscriptions_daily"]
    run = dag.test(logical_date=datetime(day.year, day.month, day.day, tzinfo=timezone.utc))
    assert str(run.state).endswith("success"), f"DAG run for {day} ended {run.state}"


@pytest.fixture(scope="module")
def landed_lake(minio_env, airflow_db, shoplake, tmp_path_factory):
    env = {**minio_env, "SHOPLAKE_HOME": str(tmp_path_factory.mktemp("dag-lake")),
           "SHOPLAKE_LANDING": "s3://landing/dag-lake", "SHOPLAKE_WAREHOUSE": "s3://warehouse/dag-lake"}
    assert shoplake("init", env=env).returncode == 0
    generated = shoplake("generate", "subscriptions", "--days", "2", "--seed", "11", "--start", str(DAY1), env=env)
    assert generated.returncode == 0, generated.stderr
    return env


def published_dates(catalog) -> set[date]:
    log = catalog.load_table("ops.run_log").scan(row_filter="stage == 'publish'").to_arrow().to_pylist()
    return {row["ingest_date"] for row in log}


def test_a_run_catches_up_on_an_earlier_landed_date_and_a_rerun_changes_nothing(landed_lake, use_env):
    """The run for DAY2 finds DAY1 landed and never published and processes it first: a
    date the scheduler skipped is not lost. Re-running DAY1 then leaves bronze as it was."""
    use_env(landed_lake)
    settings = load_settings(landed_lake)

    run_dag(DAY2)
    catalog = load_catalog(settings)
    assert published_dates(catalog) == {DAY1, DAY2}
    before = {(source, day): bronze_snapshot(catalog, source, day) for source in SOURCES for day in (DAY1, DAY2)}
    run_dag(DAY1)
    catalog = load_catalog(settings)

    for source in SOURCES:
        for day in (DAY1, DAY2):
            assert len(bronze_snapshot(catalog, source, day)) == landing_record_count(settings, source, day), (source, day)
            assert bronze_snapshot(catalog, source, day) == before[(source, day)], (source, day)
    events = catalog.load_table("bronze.subscriptions_events").scan(selected_fields=("raw",)).to_arrow()
    assert any(not raw.lstrip().startswith("{") or not raw.rstrip().endswith("}") for raw in events["raw"].to_pylist()), \
        "the generator's corrupted lines must be in bronze"


def test_run_log_reconciles_every_source_and_day(landed_lake):
    settings = load_settings(landed_lake)
    log = load_catalog(settings).load_table("ops.run_log").scan(row_filter="stage == 'bronze'").to_arrow().to_pylist()
    by_key = {(r["source"], r["ingest_date"]): r for r in log}
    for source in SOURCES:
        for day in (DAY1, DAY2):
            row = by_key[(source, day)]
            assert row["reconciled"] and row["records_read"] == row["rows_in_table"], row
            assert row["records_read"] == landing_record_count(settings, source, day)


def test_an_erasure_dag_run_never_logs_the_identifier(landed_lake):
    """privacy_erasure through `airflow dags test` (dag.test() in a process of its own, so
    every line of every task log is captured): the request is registered from stdin, the
    run conf holds its id only, and no log line shows the user."""
    import os
    import subprocess
    import sys

    settings = load_settings(landed_lake)
    events = load_catalog(settings).load_table("silver.events").scan(selected_fields=("user_id",)).to_arrow()
    user = sorted(u for u in events["user_id"].to_pylist() if u)[0]
    env = {**os.environ, **landed_lake}
    registered = subprocess.run([sys.executable, "-m", "spark_jobs.cli", "privacy", "request", "--request-id",
                                 "dsr-dag", "--user-id", "-"], input=f"{user}\n", text=True, capture_output=True,
                                env=env, timeout=600)
    assert registered.returncode == 0, registered.stderr
    assert user not in registered.stdout + registered.stderr

    run = subprocess.run([sys.executable, "-m", "airflow", "dags", "test", "privacy_erasure",
                          "--conf", '{"request_id": "dsr-dag"}'], text=True, capture_output=True, env=env,
                         timeout=1500)
    logs = run.stdout + run.stderr
    assert run.returncode == 0 and "erasure dsr-dag:" in logs and "verify dsr-dag:" in logs, logs[-3000:]
    assert user not in logs
    for log_file in Path(os.environ["AIRFLOW_HOME"]).rglob("*.log"):
        assert user not in log_file.read_text(errors="replace"), log_file

    catalog = load_catalog(settings)
    logged = catalog.load_table("privacy.erasure_log").scan(row_filter="request_id == 'dsr-dag'").to_arrow().to_pylist()
    assert len(logged) == 1 and logged[0]["verified"] and logged[0]["objects_scanned"] > 0, logged
    users = catalog.load_table("silver.events").scan(selected_fields=("user_id",)).to_arrow()
    assert user not in users["user_id"].to_pylist()
