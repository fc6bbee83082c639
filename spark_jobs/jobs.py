"""The registry of Spark jobs: the names DAG tasks and ``shoplake run`` refer to.

A job name ``<package>.<module>`` maps to ``spark_jobs.<package>.<module>.run(spark,
settings, ingest_date, *args)``. Each domain lists its stages — (job, *args) — in
daily-run order; the CLI runs them in that order for each date and the domain's DAG
wires the same names.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
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


def run_domain_day(spark, settings, domain: str, ingest_date: date) -> None:
    """Every stage of a domain's daily run for one ingest date, in order."""
    for job, *args in DOMAIN_STAGES[domain]:
        resolve(job)(spark, settings, ingest_date, *args)
