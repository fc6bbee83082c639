"""Benchmark: a range of ingest dates as one run vs the same dates as daily runs.

    .venv/bin/python bench/range_runs.py [--domain subscriptions] [--days 30] [--repeat 3]

For each repetition and each way of running, a fresh lake in a temporary directory
(local landing and warehouse, SQLite catalog) gets ``--days`` generated days of the
domain (the demo's generator and seed; untimed), then, in one Spark application started
untimed, either ONE range run over all the dates (what ``shoplake run D --to D2``, a
manual DAG run with start/end and ``make demo`` do) or one daily run per date in date
order (what a scheduled catch-up does, without its per-task JVM start). Every run ends
with the domain's gold published; the two lakes hold the same rows
(``tests/integration/test_range_runs.py``).

Prints seconds per stage (summed over dates for daily runs) and in all, per repetition,
then the medians and the ratio daily / range. Each run is a process of its own, so the
two ways share nothing but the machine; they alternate, so drifting load hits both.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

START = date(2026, 1, 1)
SEED = 42
WAYS = ("range", "daily")


def one_run(domain: str, days: int, way: str) -> dict[str, float]:
    """Generate ``days`` dates into a fresh lake, run them ``way``; seconds per stage."""
    base = Path(tempfile.mkdtemp(prefix="shoplake-range-bench-"))
    (base / "home").mkdir()
    os.environ.update({"SHOPLAKE_HOME": str(base / "home"), "SHOPLAKE_WAREHOUSE": (base / "warehouse").as_uri(),
                       "SHOPLAKE_LANDING": str(base / "landing")})
    import importlib

    from spark_jobs.config import load_settings
    from spark_jobs.ddl import apply_ddl
    from spark_jobs.ingest_dates import dates_between
    from spark_jobs.jobs import run_job
    from spark_jobs.registry import domain as declared
    from spark_jobs.session import get_spark

    settings = load_settings()
    importlib.import_module(f"spark_jobs.datagen.{domain}").generate(settings, settings.landing, days=days,
                                                                     seed=SEED, start=START)
    spark = get_spark(f"shoplake bench range_runs {way}", settings)
    apply_ddl(spark)
    dates = dates_between(START, START + timedelta(days=days - 1))
    seconds: dict[str, float] = {}
    batches = [dates] if way == "range" else [[d] for d in dates]
    for batch in batches:
        for job, *args in declared(domain).jobs:
            started = time.perf_counter()
            run_job(spark, settings, job, args, batch)
            seconds[job] = seconds.get(job, 0.0) + time.perf_counter() - started
    spark.stop()
    shutil.rmtree(base, ignore_errors=True)
    seconds["total"] = sum(seconds.values())
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--domain", default="subscriptions", choices=("subscriptions", "recsys"))
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--one", choices=WAYS, help=argparse.SUPPRESS)   # a single run, in this process
    options = parser.parse_args()
    if options.one:
        print(json.dumps(one_run(options.domain, options.days, options.one)))
        return

    results: dict[str, list[dict[str, float]]] = {way: [] for way in WAYS}
    for n in range(options.repeat):
        for way in WAYS:
            out = subprocess.run([sys.executable, __file__, "--domain", options.domain, "--days", str(options.days),
                                  "--one", way], check=True, capture_output=True, text=True).stdout
            figures = json.loads(out.strip().splitlines()[-1])
            results[way].append(figures)
            print(f"run {n + 1} {way:<6} " + "  ".join(f"{k} {v:.1f}" for k, v in figures.items()), flush=True)

    print(f"\n{options.domain}, {options.days} days, median of {options.repeat} (seconds)")
    stages = list(results["range"][0])
    print(f"{'stage':<24}{'range':>9}{'daily':>9}{'daily/range':>13}")
    for stage in stages:
        ranged = statistics.median(r[stage] for r in results["range"])
        daily = statistics.median(r[stage] for r in results["daily"])
        print(f"{stage:<24}{ranged:>9.1f}{daily:>9.1f}{daily / ranged if ranged else float('nan'):>13.2f}")


if __name__ == "__main__":
    main()
