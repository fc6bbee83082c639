"""The same code on a Spark cluster: a standalone master and worker started from the
installed PySpark (``spark_jobs.local_spark_cluster``), on loopback with private state,
runs a generated day on a fresh lake through ``SHOPLAKE_SPARK_MASTER=spark://127.0.0.1:<port>``;
every table must equal the same day run on local[2] (the ``postgres_lake`` fixture's
first run, whose catalog is PostgreSQL: the rows do not depend on the catalog)."""
from __future__ import annotations

import os
import stat
import sys
import time

import pytest
from fault_injection import catalog_contents, differences
from lake_support import executor_logs
from process_watch import listening, run_watched

pytestmark = pytest.mark.integration

EXECUTOR_CLASS = "org.apache.spark.executor.CoarseGrainedExecutorBackend"


def test_master_and_worker_listen_on_loopback_and_keep_private_state(spark_cluster):
    workers = spark_cluster.state()["workers"]
    assert [w["state"] for w in workers] == ["ALIVE"] and workers[0]["cores"] == 2
    listeners = listening({spark_cluster.master_pid, spark_cluster.worker_pid})
    assert {spark_cluster.master_port, spark_cluster.master_ui_port, spark_cluster.worker_ui_port} <= \
        {port for _, port in listeners}
    assert {address for address, _ in listeners} == {"127.0.0.1"}
    # Directories owner-only; no file readable or writable by others (Spark marks the jars
    # it fetches for executors a+x, inside 0700 directories).
    root = spark_cluster.work_dir.parent
    paths = [root, *root.rglob("*")]
    assert [p for p in paths if p.is_dir() and stat.S_IMODE(p.lstat().st_mode) & 0o077] == []
    assert [p for p in paths if stat.S_IMODE(p.lstat().st_mode) & 0o066] == []


def test_stop_ends_both_daemons_by_pid(tmp_path):
    from spark_jobs import local_spark_cluster

    cluster = local_spark_cluster.start(tmp_path / "cluster", cores=1, memory="512m")
    local_spark_cluster.stop(cluster)
    for pid in (cluster.master_pid, cluster.worker_pid):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_a_fresh_day_on_the_cluster_equals_the_local_run(postgres_lake, spark_cluster, shoplake, tmp_path):
    """Same landing files and day as the postgres_lake fixture's local[2] run, into a lake of
    its own (SQLite catalog, its own warehouse prefix) so every table is written from
    nothing. Executors in their own JVMs read landing (S3A) and write tables (S3FileIO)
    on MinIO with credentials the driver sent them: none is in their environment (the
    daemons get no SHOPLAKE_*), on any command line or in their logs."""
    from spark_jobs.catalog import load_catalog
    from spark_jobs.config import load_settings

    env = {k: v for k, v in postgres_lake["env"].items() if not k.startswith("SHOPLAKE_CATALOG_")}
    env.update({"SHOPLAKE_HOME": str(tmp_path / "home"), "SHOPLAKE_WAREHOUSE": "s3://warehouse/spark-cluster-fresh"})
    init = shoplake("init", env=env)
    assert init.returncode == 0, init.stderr
    started = time.monotonic()
    command = [sys.executable, "-m", "spark_jobs.cli", "run", "subscriptions", "--date", postgres_lake["day"]]
    run, watched = run_watched(command, {**env, "SHOPLAKE_SPARK_MASTER": spark_cluster.master_url})
    assert run.returncode == 0, run.stderr
    print(f"\na fresh day on the standalone cluster: {time.monotonic() - started:.1f} s")
    assert [line for line in watched.command_lines if EXECUTOR_CLASS in line], "no executor JVM was seen in ps"
    settings = load_settings(env)
    secrets = (settings.s3_access_key, settings.s3_secret_key)
    assert [line for line in watched.command_lines if any(secret in line for secret in secrets)] == []
    logs = executor_logs(spark_cluster, "shoplake run subscriptions")
    assert any("Running task" in log for log in logs)
    assert not any(secret in log for log in logs for secret in secrets)
    on_cluster = catalog_contents(load_catalog(settings))
    assert len(on_cluster["gold.daily_active_users"]) > 0
    assert differences(on_cluster, postgres_lake["first"]) == {}
