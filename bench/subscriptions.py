"""Benchmark: one daily run of the subscriptions domain, landing -> published gold.

    .venv/bin/python bench/subscriptions.py [--events 1000000] [--seed 7] [--history-days 0] [--keep DIR]
        [--history-only | --prepared | --repeat N]

Generates ONE ingest day of N events (the generator's usual trap rates, plus that day's
subscriptions and spend) into a fresh lake in a temporary directory (local landing and
warehouse, SQLite catalog), then runs the daily stages in-process in ONE Spark
application (as ``shoplake run`` does; an Airflow run adds a spark-submit JVM start of
~20 s per task) and prints seconds per stage (bronze, silver, gold, scan, publish),
events per minute over the stages, and peak memory: the JVM's and the Python workers'
high-water RSS (/proc VmHWM of every descendant process still alive at the end) plus the
driver Python's ru_maxrss. Target: >= 1M events per minute on the 2-core machine.

``--history-days H`` measures the steady state instead of a first day: H + 1 days of N
events are generated (with the cross-day traps: late events, duplicates and conflicts
across days, refunds of earlier purchases, spend restatements) and the first H are run
untimed by ``shoplake run`` in a Spark application of their own, so the timed last day
still starts on a cold driver, as a daily run does. To time the same day several times on
the same history: build it once with ``--keep DIR --history-only``, copy DIR aside, and
before each timed run copy it back to DIR (Iceberg metadata holds absolute paths) and run
with ``--keep DIR --prepared`` (same ``--events``, ``--history-days``). ``--repeat N`` does
exactly that: it builds the history once, then times the day N times, each in a process
of its own on a fresh copy, and prints every run's seconds per stage and their medians.

Bytes read are Spark's own task metrics, summed over the Spark stages each of our stages
ran (read from the application's status store, the data behind the Spark UI): ``input``
is what tasks read from table files (local warehouse: Hadoop file-system bytes) AND from
cached or checkpointed blocks (Spark counts both as input), ``shuffle`` what the
exchanges read. Silver's and gold's figures are also broken down by job
description, which silver sets per step and gold per model (``spark_jobs.frames.described``).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

STAGES = (("bronze", "bronze", ("subscriptions",)), ("silver", "subscriptions.silver", ()),
          ("gold", "subscriptions.gold", ()), ("scan", "quality.scan", ("subscriptions",)),
          ("publish", "quality.publish", ("subscriptions",)))
DAY = date(2026, 1, 1)
SECONDS_LINE = "seconds per stage (json) "


def _descendants(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        children += [int(c) for c in task.read_text().split()]
    return children + [d for c in children for d in _descendants(c)]


def _hwm_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def peak_memory_mib() -> tuple[float, float]:
    """(driver Python peak RSS, JVM + Python workers peak RSS) in MiB."""
    python = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = sum(_hwm_kib(pid) for pid in _descendants(os.getpid())) / 1024
    return python, children


def lake_env(base: Path, exists: bool = False) -> None:
    (base / "home").mkdir(parents=True, exist_ok=exists)
    os.environ.update({
        "SHOPLAKE_HOME": str(base / "home"), "SHOPLAKE_WAREHOUSE": (base / "warehouse").as_uri(),
        "SHOPLAKE_LANDING": str(base / "landing"),
    })


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--history-days", type=int, default=0, help="days run (untimed) before the timed day")
    parser.add_argument("--keep", help="use (and keep) this directory instead of a temporary one")
    built = parser.add_mutually_exclusive_group()
    built.add_argument("--history-only", action="store_true", help="generate and run the history, then stop")
    built.add_argument("--prepared", action="store_true", help="--keep DIR already holds --history-only's lake")
    built.add_argument("--repeat", type=int, help="build once, time the day N times on fresh copies (medians)")
    options = parser.parse_args()
    if (options.history_only or options.prepared) and not options.keep:
        parser.error("--history-only and --prepared need --keep DIR")
    if options.repeat:
        repeated(options)
        return
    base = Path(options.keep or tempfile.mkdtemp(prefix="shoplake-bench-"))
    lake_env(base, exists=options.prepared)

    from pyspark.sql import functions as F

    from spark_jobs.config import load_settings
    from spark_jobs.ddl import apply_ddl
    from spark_jobs.jobs import resolve
    from spark_jobs.session import get_spark
    from spark_jobs.datagen.subscriptions import generate

    settings = load_settings()
    history = options.history_days
    started = time.perf_counter()
    if not options.prepared:
        generate(settings, settings.landing, days=history + 1, seed=options.seed,
                 start=DAY - timedelta(days=history), events_per_day=options.events)
    generated = time.perf_counter() - started
    if history and not options.prepared:
        run_history(DAY - timedelta(days=history), DAY - timedelta(days=1))
    if options.history_only:
        return

    started = time.perf_counter()
    # Every Spark stage's metrics are kept until the end (the store's default keeps 1000).
    spark = get_spark("shoplake bench subscriptions", settings,
                      extra_conf={"spark.ui.retainedStages": "1000000", "spark.ui.retainedJobs": "1000000"})
    apply_ddl(spark)
    startup = time.perf_counter() - started

    seconds, read = {}, {}
    seen = stage_metrics(spark, set())
    for stage, job, args in STAGES:
        started = time.perf_counter()
        resolve(job)(spark, settings, DAY, *args)
        seconds[stage] = time.perf_counter() - started
        read[stage] = stage_metrics(spark, {s.key for s in seen})
        seen += read[stage]
    events = spark.table("bronze.subscriptions_events").where(F.col("ingest_date") == F.lit(DAY)).count()
    python_mib, jvm_mib = peak_memory_mib()
    spark.stop()
    report(options.events, events, history, generated, startup, seconds, python_mib, jvm_mib, settings)
    report_bytes(read)
    if not options.keep:
        shutil.rmtree(base, ignore_errors=True)


class SparkStage(NamedTuple):
    key: tuple[int, int]        # (stage id, attempt)
    description: str            # the job's description, else its call site
    input_bytes: int
    shuffle_bytes: int
    run_ms: int                 # executor run time, summed over tasks


def stage_metrics(spark, seen: set[tuple[int, int]]) -> list[SparkStage]:
    """Completed Spark stages not in ``seen``, from the status store behind the Spark UI."""
    context = spark.sparkContext._jsc.sc()
    context.listenerBus().waitUntilEmpty()        # the last stages' end events are in the store
    store = context.statusStore()
    stages = store.stageList(None, False, False, getattr(store, "stageList$default$4")(),
                             getattr(store, "stageList$default$5")())
    found = []
    for i in range(stages.size()):
        data = stages.apply(i)
        key = (data.stageId(), data.attemptId())
        if key in seen or data.status().toString() not in ("COMPLETE", "FAILED"):
            continue
        description = data.description().get() if data.description().isDefined() else data.name()
        found.append(SparkStage(key, description, data.inputBytes(), data.shuffleReadBytes(), data.executorRunTime()))
    return found


def mib(value: int) -> str:
    return f"{value / 2**20:,.1f}"


def report_bytes(read: dict[str, list[SparkStage]]) -> None:
    print("bytes read per stage      input MiB   shuffle MiB   Spark stages   task s")
    for stage, stages in read.items():
        print(f"  {stage:<22} {mib(sum(s.input_bytes for s in stages)):>10}   "
              f"{mib(sum(s.shuffle_bytes for s in stages)):>11}   {len(stages):>12}"
              f"   {sum(s.run_ms for s in stages) / 1000:>6.1f}")
    for stage in ("silver", "gold"):
        report_steps(stage, read.get(stage, []))


def report_steps(stage: str, stages: list[SparkStage]) -> None:
    steps: dict[str, list[SparkStage]] = {}
    for s in stages:
        steps.setdefault(s.description, []).append(s)
    print(f"{stage} by step (descriptions set by the job; largest first)")
    for name, stages in sorted(steps.items(), key=lambda kv: -sum(s.input_bytes + s.shuffle_bytes for s in kv[1])):
        read_in, shuffled = sum(s.input_bytes for s in stages), sum(s.shuffle_bytes for s in stages)
        print(f"  {name[:58]:<58} {mib(read_in):>9} in {mib(shuffled):>8} shuffle"
              f" {sum(s.run_ms for s in stages) / 1000:>6.1f} task s")


def repeated(options: argparse.Namespace) -> None:
    """``--repeat N``: this script with ``--history-only`` once, then N times ``--prepared``
    on a fresh copy of the lake it built; each run's report, then the medians."""
    base = Path(options.keep or tempfile.mkdtemp(prefix="shoplake-bench-"))
    pristine = base.with_name(base.name + ".pristine")
    command = [sys.executable, __file__, "--events", str(options.events), "--seed", str(options.seed),
               "--history-days", str(options.history_days), "--keep", str(base)]
    subprocess.run([*command, "--history-only"], check=True)
    shutil.rmtree(pristine, ignore_errors=True)
    shutil.copytree(base, pristine, symlinks=True)
    runs = []
    for _ in range(options.repeat):
        shutil.rmtree(base)
        shutil.copytree(pristine, base, symlinks=True)   # Iceberg metadata holds absolute paths
        out = subprocess.run([*command, "--prepared"], check=True, capture_output=True, text=True).stdout
        print(out[out.index("\n=== bench"):], flush=True)
        runs.append(json.loads(out.split(SECONDS_LINE, 1)[1].splitlines()[0]))
    print(f"\n=== {options.repeat} runs of a {options.events:,}-event day on {options.history_days} days of history")
    for stage in [*runs[0], "total"]:
        values = [sum(r.values()) if stage == "total" else r[stage] for r in runs]
        print(f"  {stage:<10} median {statistics.median(values):>7.1f} s   runs {', '.join(f'{v:.1f}' for v in values)}")
    if not options.keep:
        shutil.rmtree(base, ignore_errors=True)
    shutil.rmtree(pristine, ignore_errors=True)


def run_history(first: date, last: date) -> None:
    """The untimed days before the timed one, in a Spark application of their own."""
    cli = [sys.executable, "-m", "spark_jobs.cli"]
    subprocess.run([*cli, "init"], check=True)
    subprocess.run([*cli, "run", "subscriptions", "--date", first.isoformat(), "--to", last.isoformat()], check=True)


def report(target, events, history, generated, startup, seconds, python_mib, jvm_mib, settings) -> None:
    total = sum(seconds.values())
    print("\n=== bench/subscriptions.py: one daily run, landing -> published gold ===")
    print(f"days already in the lake {history:>12}  ({'a first day' if not history else 'the steady state'})")
    print(f"events generated         {target:>12,}  (bronze lines incl. traps: {events:,}; {generated:.1f} s to generate {history + 1} day(s))")
    if events > 1.5 * target:
        print("  (the timed day also holds the events of the day before, whose folder never arrived:"
              " pick another --history-days)")
    print(f"spark master             {settings.spark_master:>12}  (shuffle partitions {settings.shuffle_partitions},"
          f" driver memory {settings.spark_driver_memory}, {os.cpu_count()} cores)")
    print(f"spark start + DDL        {startup:>12.1f} s  (not in the total)")
    for stage, value in seconds.items():
        print(f"  {stage:<22} {value:>12.1f} s")
    print(f"total bronze -> publish  {total:>12.1f} s")
    print(f"{SECONDS_LINE}{json.dumps({k: round(v, 2) for k, v in seconds.items()})}")
    print(f"events per minute        {target / total * 60:>12,.0f}  (target 1,000,000)")
    print(f"  incl. spark start      {target / (total + startup) * 60:>12,.0f}")
    print(f"peak RSS                 {python_mib + jvm_mib:>12,.0f} MiB  (JVM + workers {jvm_mib:,.0f},"
          f" driver python {python_mib:,.0f})")


if __name__ == "__main__":
    main()
