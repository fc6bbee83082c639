"""The registry of Spark jobs: the names DAG tasks and ``shoplake run`` refer to.

A job name is either a domain stage, ``<domain>.<stage>`` → ``<domain package>.<stage>.run``,
or a shared job, ``<module>`` / ``<package>.<module>`` → ``spark_jobs.<...>.run``, called as
``run(spark, settings, ingest_date, *args)``. A domain's jobs in daily-run order come
from its declaration (:attr:`spark_jobs.domain.Domain.jobs`); the CLI and the domain's
DAG run the same names in the same order.

A job module that sets ``RUNS_ONCE_PER_RANGE = True`` takes a range of dates at once
(bronze, silver, recsys history) or catches up every pending date by itself (gold
builds, scans, publication): over a range it runs once, for the last date, with
``first_date=`` the range's start; dates that are not consecutive (an erasure's affected
dates) make one such run per stretch of consecutive dates. Every other job runs once per date.

Whatever starts them, a domain's jobs run holding the domain's lock
(:mod:`spark_jobs.domain_lock`), and a failure inside the JVM reaches the user as one
line naming its Java cause (:mod:`spark_jobs.java_errors`), never a trace.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from types import ModuleType

from spark_jobs.errors import ShoplakeError
from spark_jobs.ingest_dates import consecutive_runs
from spark_jobs.registry import domain, domains


def job_module(job: str) -> ModuleType:
    """The module of a job name such as ``subscriptions.silver`` or ``quality.scan``."""
    owner, _, stage = job.partition(".")
    known = domains()
    if owner in known and stage:
        return importlib.import_module(f"{known[owner].job_package}.{stage}")
    return importlib.import_module(f"spark_jobs.{job}")


def resolve(job: str) -> Callable:
    """The ``run`` function of a job name."""
    return job_module(job).run


def takes_own_locks(job: str) -> bool:
    """Whether a job takes the locks it needs itself (``TAKES_ITS_OWN_LOCKS = True``):
    maintenance and erasure write the tables of several domains, one domain at a time
    or all at once, so no single domain's lock can be taken for them up front."""
    return getattr(job_module(job), "TAKES_ITS_OWN_LOCKS", False)


def job_domain(job: str, args: Sequence[str]) -> str:
    """The domain whose tables a job writes: ``subscriptions.silver`` → subscriptions;
    a shared job (``bronze``, ``quality.scan``, ``quality.publish``) takes it as first argument."""
    owner, _, stage = job.partition(".")
    known = domains()
    if owner in known and stage:
        return owner
    if args and args[0] in known:
        return args[0]
    raise ShoplakeError(f"cannot tell which domain job {job!r} writes: expected <domain>.<stage> "
                        f"or a domain as first argument ({', '.join(sorted(known))})")


@contextmanager
def java_errors_as_one_line(job: str) -> Iterator[None]:
    """A JVM failure inside ``job`` becomes a ShoplakeError naming its Java cause."""
    from py4j.protocol import Py4JJavaError
    from pyspark.errors.exceptions.captured import CapturedException

    from spark_jobs.java_errors import one_line

    try:
        yield
    except (Py4JJavaError, CapturedException) as error:
        raise ShoplakeError(f"{job} failed: {one_line(error)}") from error


def run_job(spark, settings, job: str, args: Sequence[str], days: Sequence[date]) -> None:
    """One job over consecutive ingest dates: per date, or once if it covers a range."""
    module = job_module(job)
    with java_errors_as_one_line(job):
        if getattr(module, "RUNS_ONCE_PER_RANGE", False):
            for run in consecutive_runs(days):
                module.run(spark, settings, run[-1], *args, first_date=run[0])
            return
        for day in days:
            module.run(spark, settings, day, *args)


def run_domain_range(spark, settings, name: str, days: Sequence[date]) -> None:
    """A domain's jobs over ingest dates, job by job (what a manual-range DAG run does)."""
    for job, *args in domain(name).jobs:
        run_job(spark, settings, job, args, days)


def run_domain_day(spark, settings, name: str, ingest_date: date) -> None:
    """Every job of a domain's daily run for one ingest date, in order."""
    run_domain_range(spark, settings, name, [ingest_date])

