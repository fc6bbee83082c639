"""spark-submit entry point: ``spark-submit spark_jobs/submit.py <job> --date D [args]``.

Airflow's SparkSubmitOperator launches this file; ``shoplake run`` calls the same jobs
in-process. The job runs holding its domain's lock (a job that writes several domains,
maintenance or erasure, takes its locks itself) (waiting up to
``SHOPLAKE_LOCK_WAIT_SECONDS``, default 600, for another run to finish). Errors the user
can fix exit 2 with one line. The command line carries no secret: the driver reads the keys from SHOPLAKE_* or
.local/minio.env and applies them to the running session (:func:`spark_jobs.session.get_spark`).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from contextlib import nullcontext
from datetime import date

PROCESS_START = time.monotonic()
# A scheduled task that meets another run of its domain (a backfill, a manual
# `shoplake run`) waits for it rather than failing into Airflow's retry back-off.
DEFAULT_LOCK_WAIT_SECONDS = 600


def decode(text: str) -> list[date]:
    from spark_jobs.landing_backlog import decode as decode_dates

    days = decode_dates(text)
    if not days:
        raise argparse.ArgumentTypeError("no dates")
    return days


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """``<job> --date D [--to D2] [job args]``; job args may follow the options, as Airflow passes them."""
    parser = argparse.ArgumentParser(prog="spark_jobs/submit.py")
    parser.add_argument("job", help="job name, e.g. subscriptions.silver or bronze; several, in order, "
                                    "joined by + (each gets the same job arguments)")
    when = parser.add_mutually_exclusive_group(required=True)
    when.add_argument("--date", type=date.fromisoformat, help="ingest date YYYY-MM-DD")
    when.add_argument("--dates", type=decode, help="ingest dates: 2026-01-03..2026-01-05,2026-01-09 "
                                                   "(a domain DAG's plan_dates task gives them)")
    parser.add_argument("--to", type=date.fromisoformat, help="last ingest date of a range (default: --date)")
    parser.add_argument("args", nargs="*", help="extra job arguments")
    return parser.parse_intermixed_args(argv)


def main(argv: list[str] | None = None) -> int:
    from spark_jobs.local_state import restrict_umask

    restrict_umask()    # the driver's files; the JVM has Airflow's umask (077 by scripts/airflow.sh)
    options = parse_args(argv)

    from spark_jobs.cli import _dates
    from spark_jobs.config import load_settings
    from spark_jobs.domain_lock import domain_lock
    from spark_jobs.errors import ShoplakeError
    from spark_jobs.jobs import job_domain, run_job, takes_own_locks
    from spark_jobs.preflight import check_run
    from spark_jobs.session import get_spark

    settings = load_settings()
    try:
        check_run(settings)
        days = options.dates or _dates(options.date, options.to)
        wait = float(os.environ.get("SHOPLAKE_LOCK_WAIT_SECONDS", DEFAULT_LOCK_WAIT_SECONDS))
        jobs = options.job.split("+")
        purpose = f"spark-submit {options.job} {days[0]}..{days[-1]}"
        lock = (nullcontext() if all(takes_own_locks(job) for job in jobs) else
                domain_lock(settings, job_domain(jobs[0], options.args), purpose, wait_seconds=wait))
        with lock:
            spark = get_spark(f"shoplake {options.job} {days[0]}", settings)
            ready = started = time.monotonic()
            for job in jobs:
                run_job(spark, settings, job, options.args, days)
                if len(jobs) > 1:
                    print(f"shoplake: {job} {days[0]}..{days[-1]}: {time.monotonic() - started:.1f} s", flush=True)
                    started = time.monotonic()
        print(f"shoplake: {options.job} {days[0]}..{days[-1]}: job {time.monotonic() - ready:.1f} s after "
              f"{ready - PROCESS_START:.1f} s of Python + Spark start-up")
    except ShoplakeError as error:
        print(f"shoplake: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
