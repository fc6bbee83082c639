"""Benchmark: one subscriptions day through Airflow against the same kind of day through
``shoplake run``, side by side on one lake.

    .venv/bin/python bench/airflow_day.py [--events 100000] [--pairs 2] [--keep DIR]

Builds a lake in a temporary directory (local landing and warehouse, SQLite catalog),
generates 1 + 2 x pairs days of N events, runs the first day untimed, then alternates:
the next day through Airflow (``airflow standalone`` as ``make airflow`` runs it, the run
triggered through the REST API with that logical date, timed from the trigger until the
API reports success), and the day after through ``shoplake run --only`` (timed as a
command). Each day is new to the lake, so both do the same kind of work.

Prints every run's seconds, each Airflow task's duration (and, from its log, the seconds
its spark-submit spent before the job started), the gaps between tasks, the medians and
the ratio Airflow / shoplake run. Target (issue 21): <= 2x.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DAY = date(2026, 1, 1)
DAG_ID = "subscriptions_daily"
STARTUP = re.compile(r"shoplake: (\S+) .*: job ([\d.]+) s after ([\d.]+) s of Python \+ Spark start-up")


def lake_env(base: Path) -> dict[str, str]:
    (base / "home").mkdir(parents=True, exist_ok=True)
    return {"SHOPLAKE_HOME": str(base / "home"), "SHOPLAKE_WAREHOUSE": (base / "warehouse").as_uri(),
            "SHOPLAKE_LANDING": str(base / "landing")}


def shoplake(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "shoplake"), *args], env={**os.environ, **env},
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"shoplake {' '.join(args)} failed: {done.stderr.strip()[-400:]}")
    return time.perf_counter() - started


def parse_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def airflow_day(server, day: date) -> tuple[float, list[str]]:
    """Trigger ``day``, wait for success; its seconds and one line per task."""
    started = time.perf_counter()
    run = server.api("POST", f"dags/{DAG_ID}/dagRuns", {"logical_date": f"{day}T00:00:00Z", "conf": {}})
    finished = server.wait_for_run(DAG_ID, run["dag_run_id"])
    seconds = time.perf_counter() - started
    if finished["state"] != "success":
        sys.exit(f"Airflow run {run['dag_run_id']} ended {finished['state']} (logs: {server.home / 'logs'})")
    tasks = server.api("GET", f"dags/{DAG_ID}/dagRuns/{run['dag_run_id']}/taskInstances")["task_instances"]
    tasks.sort(key=lambda t: t["start_date"] or "")
    lines, previous_end = [], parse_time(finished["start_date"])
    startups = startup_seconds(server.home, run["dag_run_id"])
    for task in tasks:
        start, end = parse_time(task["start_date"]), parse_time(task["end_date"])
        gap = (start - previous_end).total_seconds() if start and previous_end else 0.0
        spark = startups.get(task["task_id"])
        lines.append(f"  {task['task_id']:<34} {task['state']:<8} {task['duration'] or 0:6.1f} s"
                     f"  (waited {gap:4.1f} s since the previous task ended"
                     f"{f'; spark-submit start-up {spark[1]:.1f} s, job {spark[0]:.1f} s' if spark else ''})")
        previous_end = end or previous_end
    return seconds, [f"  run {run['dag_run_id']}", *lines]


def startup_seconds(home: Path, run_id: str) -> dict[str, tuple[float, float]]:
    """Per task id: (job seconds, start-up seconds) from the task logs' submit.py line."""
    found = {}
    for log in (home / "logs").rglob("*.log"):
        if f"run_id={run_id}" not in str(log):
            continue
        task = next((p.split("=", 1)[1] for p in log.parts if p.startswith("task_id=")), None)
        for match in STARTUP.finditer(log.read_text(errors="replace")):
            found[task] = (float(match.group(2)), float(match.group(3)))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--pairs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", help="use (and keep) this directory instead of a temporary one")
    options = parser.parse_args()
    base = Path(options.keep or tempfile.mkdtemp(prefix="shoplake-bench-airflow-"))
    env = lake_env(base)
    os.environ.update(env)

    from spark_jobs.config import load_settings
    from spark_jobs.datagen.subscriptions import generate
    from spark_jobs.local_airflow import local_airflow

    days = [DAY + timedelta(days=n) for n in range(1 + 2 * options.pairs)]
    generate(load_settings(), env["SHOPLAKE_LANDING"], days=len(days), seed=options.seed, start=DAY,
             events_per_day=options.events)
    shoplake(env, "init")
    print(f"history: {days[0]} by shoplake run in {shoplake(env, 'run', 'subscriptions', '--date', str(days[0])):.1f} s")
    through_airflow, through_cli = [], []
    with local_airflow(base / "airflow", env) as server:
        server.api("PATCH", f"dags/{DAG_ID}", {"is_paused": False})
        time.sleep(5)   # enabling creates the latest scheduled run (no landing: plan_dates skips it)
        for airflow_date, cli_date in zip(days[1::2], days[2::2]):
            seconds, lines = airflow_day(server, airflow_date)
            through_airflow.append(seconds)
            print(f"Airflow      {airflow_date}: {seconds:6.1f} s from trigger to success", *lines, sep="\n")
            seconds = shoplake(env, "run", "subscriptions", "--date", str(cli_date), "--only")
            through_cli.append(seconds)
            print(f"shoplake run {cli_date}: {seconds:6.1f} s")
    airflow_median, cli_median = statistics.median(through_airflow), statistics.median(through_cli)
    print(f"\nmedians: Airflow {airflow_median:.1f} s, shoplake run {cli_median:.1f} s, "
          f"ratio {airflow_median / cli_median:.2f}x (target <= 2x); {options.events:,} events per day")


if __name__ == "__main__":
    main()
