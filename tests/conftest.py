"""Shared fixtures: an isolated lakehouse per test session.

Every session gets its own SHOPLAKE_HOME, SQLite JDBC catalog, local warehouse and
landing directory under pytest's tmp dir, exported as SHOPLAKE_* so subprocesses
(spark-submit, Airflow tasks) see the same lake. Nothing is shared with `make demo`.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))


def pytest_configure(config):
    """Airflow reads its configuration once, at import: point it at a private home first."""
    import tempfile

    home = tempfile.mkdtemp(prefix="shoplake-airflow-")
    os.environ.update({
        "AIRFLOW_HOME": home,
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW_CONN_SPARK_DEFAULT": '{"conn_type": "spark", "host": "local[2]"}',
        # A failing task in a test should fail the test, not wait out production back-off.
        "SHOPLAKE_TASK_RETRIES": "1",
        "SHOPLAKE_RETRY_DELAY_SECONDS": "1",
        # Each publication would add its HTML report (seconds of Spark queries) to the
        # suite's many runs; tests of reports switch them on for the runs they check.
        "SHOPLAKE_REPORTS": "off",
    })


@pytest.fixture(scope="session")
def lake_env(tmp_path_factory) -> dict[str, str]:
    """SHOPLAKE_* variables of a fresh local-directory lake, exported for the session."""
    base = tmp_path_factory.mktemp("lake")
    env = {
        "SHOPLAKE_HOME": str(base / "home"),
        "SHOPLAKE_WAREHOUSE": (base / "warehouse").as_uri(),
        "SHOPLAKE_LANDING": str(base / "landing"),
        "SHOPLAKE_SPARK_MASTER": "local[2]",
        "SHOPLAKE_SHUFFLE_PARTITIONS": "4",
        "SHOPLAKE_SPARK_DRIVER_MEMORY": "2g",
    }
    (base / "home").mkdir()
    (base / "landing").mkdir()
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    yield env
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def settings(lake_env):
    from spark_jobs.config import load_settings

    return load_settings()


@pytest.fixture(scope="session")
def spark(settings):
    """One Spark session for all in-process tests, with every table created."""
    from spark_jobs.ddl import apply_ddl
    from spark_jobs.session import get_spark

    session = get_spark("shoplake-tests", settings)
    apply_ddl(session)
    yield session
    session.stop()
