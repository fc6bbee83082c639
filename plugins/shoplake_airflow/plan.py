"""``plan_dates``: the first task of a domain's daily run, and the only one without Spark.

It decides which ingest dates the run processes: its own (the logical date, to the
``end`` param) and, before them, every earlier landing date of the domain never
published (:mod:`spark_jobs.landing_backlog`). Every Spark task of the run then takes
exactly these dates (``--dates``, from this task's XCom), so they agree even if
something is published meanwhile. A run none of whose dates has landing data skips its
Spark tasks: a scheduled day without data costs seconds, not five Spark start-ups.
"""
from __future__ import annotations

from datetime import date

TASK_ID = "plan_dates"
PLANNED = "{{ ti.xcom_pull(task_ids='plan_dates') }}"


def plan_dates(domain: str, first: str, last: str) -> str | None:
    """The run's dates as ``--dates`` text, or None (skip the run) when none has landed."""
    from spark_jobs.config import load_settings
    from spark_jobs.ingest_dates import dates_between
    from spark_jobs.landing_backlog import any_landed, describe, encode, with_backlog

    settings = load_settings()
    asked = dates_between(date.fromisoformat(first), date.fromisoformat(last))
    if not asked:
        raise ValueError(f"the end param {last} is before the logical date {first}")
    planned = with_backlog(settings, domain, asked)
    if not any_landed(settings, domain, planned):
        print(f"no landing data for {describe(planned)} in any source of {domain}: nothing to process, "
              f"the Spark tasks are skipped")
        return None
    print(f"this run processes {domain} {describe(planned)}")
    return encode(planned)
