"""`airflow backfill create --dry-run` plans exactly one run per day for each daily DAG.

Runs the real Airflow CLI in a private AIRFLOW_HOME (its own SQLite metadata DB), with the
same DAG and plugin folders as `make airflow` (scripts/airflow_env.sh). No Spark, no
scheduler: the DAGs are serialized into the DB and the backfill is only planned.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DAG_IDS = ("subscriptions_daily", "recsys_daily")
FROM_DATE, TO_DATE = "2026-01-01", "2026-01-03"
EXPECTED = ["2026-01-01", "2026-01-02", "2026-01-03"]
# A row of the "Runs to be attempted" grid: | 2026-01-01 00:00:00+00:00 | ... |
PLANNED_ROW = re.compile(r"^\|\s*(\d{4}-\d{2}-\d{2})[ T]00:00:00\+00:00\s*\|", re.MULTILINE)


@pytest.fixture(scope="module")
def airflow(tmp_path_factory):
    """Run `airflow <args>` against a migrated private metadata DB with both DAGs serialized."""
    home = tmp_path_factory.mktemp("backfill-airflow")
    env = {
        **os.environ,   # the DAG/plugin folders and spark_default of tests/conftest.py's pytest_configure
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "plugins"), os.environ.get("PYTHONPATH")])),
        "SHOPLAKE_START_DATE": "2026-01-01",  # the default START; pinned so a developer's env can't shift it
        "COLUMNS": "200",
    }

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "airflow", *args], env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=120)

    for step in (("db", "migrate"), ("dags", "reserialize")):
        done = run(*step)
        assert done.returncode == 0, f"airflow {' '.join(step)} failed:\n{done.stdout}\n{done.stderr}"
    return run


@pytest.fixture(scope="module")
def dry_runs(airflow) -> dict[str, subprocess.CompletedProcess]:
    """One dry run per DAG, in parallel (each is a separate Airflow CLI process)."""
    def dry_run(dag_id: str) -> subprocess.CompletedProcess:
        return airflow("backfill", "create", "--dag-id", dag_id,
                       "--from-date", FROM_DATE, "--to-date", TO_DATE, "--dry-run")

    with ThreadPoolExecutor(len(DAG_IDS)) as pool:
        return dict(zip(DAG_IDS, pool.map(dry_run, DAG_IDS)))


def planned_dates(stdout: str) -> list[str]:
    assert "Runs to be attempted:" in stdout, stdout
    return PLANNED_ROW.findall(stdout.split("Runs to be attempted:", 1)[1])


def test_planned_dates_parser_rejects_a_wrong_plan():
    """The parser must see a missing or extra day, or the real assertion could never fail."""
    grid = ("Runs to be attempted:\n+---+\n| logical_date | partition_key |\n+===+\n"
            "| 2026-01-01 00:00:00+00:00 |  |\n+---+\n| 2026-01-03 00:00:00+00:00 |  |\n+---+\n")
    assert planned_dates(grid) == ["2026-01-01", "2026-01-03"] != EXPECTED


@pytest.mark.parametrize("dag_id", DAG_IDS)
def test_dry_run_plans_exactly_one_run_per_day(dry_runs, dag_id):
    done = dry_runs[dag_id]
    assert done.returncode == 0, f"{dag_id}: dry run failed:\n{done.stdout}\n{done.stderr}"
    assert "Performing dry run of backfill." in done.stdout
    assert planned_dates(done.stdout) == EXPECTED, done.stdout


def test_dry_run_creates_no_dag_runs(dry_runs, airflow):
    for dag_id in DAG_IDS:
        listed = airflow("dags", "list-runs", dag_id, "-o", "json")
        assert listed.returncode == 0, listed.stderr
        assert "backfill__" not in listed.stdout, listed.stdout
