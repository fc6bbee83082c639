"""The registry of Spark jobs: the names DAG tasks and ``shoplake run`` refer to.

A job name ``<package>.<module>`` maps to ``spark_jobs.<package>.<module>.run(spark,
settings, ingest_date, *args)``. Each domain lists its stages — (job, *args) — in
daily-run order; the CLI and the domain's DAG run the same names in the same order.

A job module that sets ``RUNS_ONCE_PER_RANGE = True`` catches up every pending date by
itself (gold builds, scans, publication): over a range of dates it runs once, for the
last date, with ``first_date=`` the range's start. Every other job runs once per date.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from datetime import date

DOMAIN_STAGES: dict[str, tuple[tuple[str, ...], ...]] = {
    "subscriptions": (
        ("subscriptions.bronze",),
        ("subscriptions.silver",),
        ("subscriptions.gold",),
        ("quality.scan", "subscriptions"),
        ("quality.publish", "subscriptions"),
    ),
    "recsys": (
        ("recsys.bronze",),
        ("recsys.silver",),
        ("recsys.history",),
        ("recsys.gold",),
        ("quality.scan", "recsys"),
        ("quality.publish", "recsys"),
    ),
}


def resolve(job: str) -> Callable:
    """The ``run`` function of a job name such as ``subscriptions.bronze``."""
    module = importlib.import_module(f"spark_jobs.{job}")
    return module.run


def run_job(spark, settings, job: str, args: Sequence[str], days: Sequence[date]) -> None:
    """One job over consecutive ingest dates: per date, or once if it covers a range."""
    module = importlib.import_module(f"spark_jobs.{job}")
    if getattr(module, "RUNS_ONCE_PER_RANGE", False):
        module.run(spark, settings, days[-1], *args, first_date=days[0])
        return
    for day in days:
        module.run(spark, settings, day, *args)


def run_domain_range(spark, settings, domain: str, days: Sequence[date]) -> None:
    """A domain's stages over ingest dates, stage by stage (what a manual-range DAG run does)."""
    for job, *args in DOMAIN_STAGES[domain]:
        run_job(spark, settings, job, args, days)


def run_domain_day(spark, settings, domain: str, ingest_date: date) -> None:
    """Every stage of a domain's daily run for one ingest date, in order."""
    run_domain_range(spark, settings, domain, [ingest_date])
