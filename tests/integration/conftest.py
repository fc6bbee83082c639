"""Fixtures that start real services: a MinIO process and an Airflow metadata DB."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from spark_jobs.processes import free_port



@pytest.fixture(scope="session")
def minio_env(tmp_path_factory):
    """SHOPLAKE_* for a lake on a private MinIO process (s3://landing, s3://warehouse)."""
    from spark_jobs import services
    from spark_jobs.config import load_settings

    home = tmp_path_factory.mktemp("minio-lake")
    env = {
        "SHOPLAKE_HOME": str(home),
        "SHOPLAKE_S3_ENDPOINT": f"http://127.0.0.1:{free_port()}",
        "SHOPLAKE_LANDING": "s3://landing",
        "SHOPLAKE_WAREHOUSE": "s3://warehouse",
        "SHOPLAKE_SPARK_MASTER": "local[2]",
        "SHOPLAKE_SHUFFLE_PARTITIONS": "4",
        "SHOPLAKE_SPARK_DRIVER_MEMORY": "2g",
    }
    settings = services.up(load_settings(env))
    env.update({"SHOPLAKE_S3_ACCESS_KEY": settings.s3_access_key, "SHOPLAKE_S3_SECRET_KEY": settings.s3_secret_key})
    yield env
    services.down(settings)


@pytest.fixture()
def use_env(monkeypatch):
    """Export a SHOPLAKE_* mapping for this test (subprocesses and Airflow tasks inherit it)."""
    def apply(env: dict[str, str]):
        for key, value in env.items():
            monkeypatch.setenv(key, value)
    return apply


@pytest.fixture(scope="session")
def airflow_db():
    """A migrated Airflow metadata DB in the session's private AIRFLOW_HOME, with the
    domains' pools as `make airflow` creates them."""
    subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"], check=True, capture_output=True,
                   env=os.environ.copy(), timeout=300)
    plugins = os.environ["AIRFLOW__CORE__PLUGINS_FOLDER"]
    subprocess.run([sys.executable, "-m", "shoplake_airflow.pools"], check=True, capture_output=True, timeout=300,
                   env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [plugins, os.environ.get("PYTHONPATH")]))})
    return os.environ["AIRFLOW_HOME"]


@pytest.fixture(scope="session")
def shoplake():
    """Run the shoplake CLI as a user would: shoplake(*args, env=...)."""
    def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "spark_jobs.cli", *args], env={**os.environ, **env},
                              capture_output=True, text=True, timeout=600)
    return run


@pytest.fixture(scope="session")
def postgres_catalog(tmp_path_factory):
    """A private PostgreSQL server (spark_jobs.local_postgres) for Iceberg JDBC catalogs:
    ``.catalog_env()`` gives the SHOPLAKE_CATALOG_* of its ``iceberg`` database. Stopped by
    its pid and deleted at the end of the session."""
    from spark_jobs import local_postgres

    home = tmp_path_factory.mktemp("postgres-home")
    server = local_postgres.up(home)
    yield server
    local_postgres.down(home, remove=True)


@pytest.fixture(scope="session")
def spark_cluster(tmp_path_factory):
    """A standalone Spark master and worker (spark_jobs.local_spark_cluster) on 127.0.0.1;
    ``.master_url`` is the SHOPLAKE_SPARK_MASTER of jobs that should run on it."""
    from spark_jobs import local_spark_cluster

    cluster = local_spark_cluster.start(tmp_path_factory.mktemp("spark-cluster") / "cluster", cores=2, memory="2g")
    yield cluster
    local_spark_cluster.stop(cluster)


POSTGRES_LAKE_DAY = "2026-01-01"


@pytest.fixture(scope="session")
def postgres_lake(minio_env, postgres_catalog, shoplake, tmp_path_factory):
    """A lake on MinIO whose Iceberg catalog is the PostgreSQL server, after `shoplake init`
    and one run (local[2]) of a generated subscriptions day, ``POSTGRES_LAKE_DAY``.

    Its tables live under their own prefix of the session's buckets, apart from the SQLite
    lakes of other tests. Yields ``env`` (SHOPLAKE_*), ``settings``, ``cli(*args, **env)``,
    ``day``, ``watched`` (what `ps` showed during the run), ``output`` (its stdout) and ``first``
    (every table's rows after it, read with PyIceberg): the reference a re-run, a cluster run
    or a Trino query of the same day is compared with. Its publication writes the run's
    report (SHOPLAKE_REPORTS is not passed on: reports are on, under its SHOPLAKE_HOME).
    """
    from fault_injection import catalog_contents
    from process_watch import run_watched

    from spark_jobs.catalog import load_catalog
    from spark_jobs.config import load_settings

    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPLAKE_")}
    env.update(minio_env)
    env.update(postgres_catalog.catalog_env())
    env.update({"SHOPLAKE_HOME": str(tmp_path_factory.mktemp("postgres-lake")),
                "SHOPLAKE_LANDING": "s3://landing/postgres-catalog",
                "SHOPLAKE_WAREHOUSE": "s3://warehouse/postgres-catalog"})
    cli = lambda *args, **more: shoplake(*args, env={**env, **more})  # noqa: E731
    generated = cli("generate", "subscriptions", "--days", "1", "--seed", "7", "--start", POSTGRES_LAKE_DAY)
    assert generated.returncode == 0, generated.stderr
    init = cli("init")
    assert init.returncode == 0, init.stderr
    command = [sys.executable, "-m", "spark_jobs.cli", "run", "subscriptions", "--date", POSTGRES_LAKE_DAY]
    first, watched = run_watched(command, env)
    assert first.returncode == 0, first.stderr
    settings = load_settings(env)
    yield {"env": env, "settings": settings, "cli": cli, "watched": watched, "day": POSTGRES_LAKE_DAY,
           "output": first.stdout, "first": catalog_contents(load_catalog(settings))}
