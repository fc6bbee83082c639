"""The one way a shoplake DAG builds a Spark task, and the defaults every DAG shares.

``spark_task("subscriptions.bronze")`` is a SparkSubmitOperator that runs
``spark_jobs/submit.py subscriptions.bronze --date {{ ds }}`` on the ``spark_default``
connection, with the launch settings of :func:`spark_jobs.session.launch_conf`.
Secrets never go on the command line: the job reads them from SHOPLAKE_* variables.
"""
from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

import pendulum

from spark_jobs.config import PROJECT_ROOT, load_settings
from spark_jobs.session import launch_conf

SUBMIT_SCRIPT = PROJECT_ROOT / "spark_jobs" / "submit.py"
START = pendulum.parse(os.environ.get("SHOPLAKE_START_DATE", "2026-01-01"), tz="UTC")

DEFAULTS = {
    "owner": "shoplake",
    "retries": int(os.environ.get("SHOPLAKE_TASK_RETRIES", "2")),
    "retry_delay": timedelta(seconds=int(os.environ.get("SHOPLAKE_RETRY_DELAY_SECONDS", "60"))),
    "retry_exponential_backoff": True,
    "execution_timeout": timedelta(hours=2),
}


def _submit_env() -> dict[str, str]:
    """spark-submit must come from the same environment as Airflow's Python."""
    venv_bin = str(Path(sys.executable).parent)
    return {"PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}", "PYSPARK_PYTHON": sys.executable}


def task_id_for(job: str, *args: str) -> str:
    """``subscriptions.bronze`` → ``subscriptions_bronze``; ``quality.scan subscriptions`` → ``quality_scan_subscriptions``."""
    return "_".join([job.replace(".", "_"), *args])


def spark_task(job: str, *args: str, date: str = "{{ ds }}", to: str | None = None, **kwargs):
    """A SparkSubmitOperator running one shoplake job for the run's logical date
    (or, with ``to``, for every date from ``date`` to ``to``, in order)."""
    from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

    return SparkSubmitOperator(
        task_id=kwargs.pop("task_id", task_id_for(job, *args)),
        application=str(SUBMIT_SCRIPT),
        application_args=[job, "--date", date, *(["--to", to] if to else []), *args],
        conn_id="spark_default",
        conf=launch_conf(load_settings(), check_jars=False),
        name=f"shoplake-{job}",
        env_vars=_submit_env(),
        **kwargs,
    )
