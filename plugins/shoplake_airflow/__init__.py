"""The one way a shoplake DAG builds a Spark task, and the defaults every DAG shares.

``spark_task("subscriptions.silver")`` is a SparkSubmitOperator that runs
``spark_jobs/submit.py subscriptions.silver --date {{ ds }}`` on the ``spark_default``
connection, with the launch settings of :func:`spark_jobs.session.launch_conf`.
Secrets never go on the command line (Airflow logs it): the job reads them from SHOPLAKE_*
variables or .local/minio.env and applies them to the running session.
``domain_dag("recsys", doc_md=__doc__)`` is a domain's whole daily DAG, from its declaration;
``maintenance_dag(doc_md=__doc__)`` the daily table maintenance.
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
    """``subscriptions.silver`` → ``subscriptions_silver``; ``quality.scan subscriptions`` → ``quality_scan_subscriptions``."""
    return "_".join([job.replace(".", "_"), *args])


def spark_task(job: str, *args: str, date: str = "{{ ds }}", dates: str | None = None, **kwargs):
    """A SparkSubmitOperator running one shoplake job (or several, ``a+b``, in order, in one
    Spark application) for the run's logical date (or, with ``dates``, for the dates of
    that template, e.g. a domain run's planned dates)."""
    from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

    return SparkSubmitOperator(
        task_id=kwargs.pop("task_id", task_id_for(job, *args)),
        application=str(SUBMIT_SCRIPT),
        application_args=[job, *(["--dates", dates] if dates else ["--date", date]), *args],
        conn_id="spark_default",
        conf=launch_conf(load_settings(), check_jars=False),
        name=kwargs.pop("name", f"shoplake-{job}"),
        env_vars=_submit_env(),
        **kwargs,
    )


LAST = "{{ params.end or ds }}"
DATE_PARAM = {"type": ["null", "string"], "format": "date"}
# Where the DAG docs link to for the project's documentation (e.g. your fork's docs/ on
# GitHub); unset, the docs name the files of this clone.
DOCS_URL = os.environ.get("SHOPLAKE_DOCS_URL", "").rstrip("/")


def docs_link(page: str) -> str:
    """A markdown link to ``docs/<page>`` (or its path in this clone when no URL is set)."""
    return f"[docs/{page}]({DOCS_URL}/{page})" if DOCS_URL else f"`{PROJECT_ROOT / 'docs' / page}`"


def shoplake_dag(dag_id: str, catchup: bool = False, docs: tuple[str, ...] = ("operations.md",),
                 doc_md: str | None = None, **kwargs):
    """A DAG with what every shoplake DAG shares: the start date, one run at a time, the
    default task arguments (retries with back-off, a timeout), its owner and the docs
    pages it is documented in (appended to ``doc_md``)."""
    from airflow.sdk import DAG

    pages = "\n".join(f"- {docs_link(page)}" for page in docs)
    return DAG(dag_id, start_date=START, catchup=catchup, max_active_runs=1, default_args=DEFAULTS,
               doc_md=f"{(doc_md or '').rstrip()}\n\n**Docs**\n{pages}\n",
               owner_links={"shoplake": DOCS_URL} if DOCS_URL.startswith(("http://", "https://")) else {},
               **kwargs)


def domain_dag(name: str, doc_md: str | None = None):
    """The daily DAG ``<name>_daily`` of a declared domain: one Spark task per job of the
    declaration, in order. A run processes its logical date (to the ``end`` param, for a
    manual range), and before it every earlier landing date never published: the
    scheduler does not catch up (``catchup=False``), the next run does
    (:mod:`spark_jobs.landing_backlog`), so enabling a DAG or triggering a date runs that
    date at once, and no date with landing data is left behind."""
    from airflow.providers.standard.operators.python import ShortCircuitOperator
    from airflow.sdk import Param

    from shoplake_airflow.plan import PLANNED, TASK_ID, plan_dates
    from shoplake_airflow.pools import domain_pool
    from shoplake_airflow.timetable import IngestDateTimetable
    from spark_jobs.registry import domain

    declared = domain(name)
    with shoplake_dag(
        f"{name}_daily",
        description=declared.description,
        schedule=IngestDateTimetable(),
        doc_md=doc_md,
        docs=(f"{name}.md", "operations.md"),
        tags=[name],
        params={
            "end": Param(None, description="last ingest date of a manual range starting at the logical date "
                                           "(default: the logical date alone)", **DATE_PARAM),
        },
    ) as dag:
        # One task of the domain at a time, a run's later stages first (see pools.py); the
        # plan runs in the pool too, so it sees what the run before it published. The
        # publication announces every gold table to DAGs scheduled on them.
        plan = ShortCircuitOperator(task_id=TASK_ID, python_callable=plan_dates, pool=domain_pool(name),
                                    priority_weight=1, weight_rule="absolute",
                                    op_kwargs={"domain": name, "first": "{{ ds }}", "last": LAST})
        tasks = [plan]
        for place, (task_id, jobs) in enumerate(spark_tasks(declared), start=2):
            publishes = any(job == "quality.publish" for job, *_ in jobs)
            tasks.append(spark_task("+".join(job for job, *_ in jobs), *jobs[0][1:], task_id=task_id, dates=PLANNED,
                                    name=f"shoplake-{name}-{task_id}", pool=domain_pool(name),
                                    priority_weight=place, weight_rule="absolute",
                                    outlets=gold_assets(name) if publishes else []))
        for upstream, downstream in zip(tasks, tasks[1:]):
            upstream >> downstream
    return dag


def spark_tasks(declared) -> list[tuple[str, tuple[tuple[str, ...], ...]]]:
    """A domain run's Spark tasks, as (task id, jobs run in order in one spark-submit):

    - ``bronze``: what landed, what was quarantined on the way in;
    - the domain's own stages (``silver_gold``, ``silver_history_gold``): the transformation
      to the audit branch;
    - ``scan_publish``: the quality gate, then the publication of what it passed.

    Three, not one per job: each spark-submit pays a JVM start plus the first catalog
    and table accesses, 10-20 s on two cores (bench/airflow_day.py, bench/RESULTS.md),
    while each task's log still prints every job's own seconds and a failed job names
    itself. A job's task runs it with the same arguments as its companions."""
    bronze, *own, scan, publish = declared.jobs
    groups = [("bronze", (bronze,)), ("_".join(declared.stages), tuple(own)), ("scan_publish", (scan, publish))]
    for task_id, jobs in groups:
        if len({tuple(args) for _, *args in jobs}) != 1:
            raise ValueError(f"the jobs of task {task_id} take different arguments: {jobs}")
    return groups


def gold_assets(name: str) -> list:
    """The domain's gold tables as Airflow Assets (``iceberg://lake/gold/<table>``)."""
    from airflow.sdk import Asset

    from spark_jobs.registry import domain

    return [Asset(name=f"gold.{table}", uri=f"iceberg://lake/gold/{table}") for table in domain(name).gold_tables]


# After the domains' midnight runs: maintenance waits for their locks, so it should
# rarely find one held.
MAINTENANCE_SCHEDULE = "0 3 * * *"


def maintenance_dag(doc_md: str | None = None):
    """``maintenance_daily``: one Spark task, ``spark_jobs/submit.py maintenance``, once a day.
    It maintains the tables as they are, so a missed day is not caught up (``catchup=False``)."""
    with shoplake_dag(
        "maintenance_daily",
        description="compact every table, expire snapshots past the retention, remove orphan files",
        schedule=MAINTENANCE_SCHEDULE,
        doc_md=doc_md,
        docs=("operations.md",),
        tags=["maintenance"],
    ) as dag:
        spark_task("maintenance")
    return dag


def privacy_dag(doc_md: str | None = None):
    """``privacy_erasure``: erase the request named in the run conf, then verify it.
    Triggered only (no schedule); one erasure at a time."""
    from airflow.sdk import Param

    request = "{{ params.request_id }}"
    with shoplake_dag(
        "privacy_erasure",
        description="Erase one person everywhere (GDPR Art. 17) and prove it",
        schedule=None,
        doc_md=doc_md,
        docs=("privacy.md",),
        tags=["privacy"],
        params={"request_id": Param(type="string", minLength=1,
                                    description="id of a request registered with shoplake privacy request")},
    ) as dag:
        erase = spark_task("privacy.erase", request, task_id="privacy_erase")
        erase >> spark_task("privacy.verify_request", request, task_id="privacy_verify_request")
    return dag
