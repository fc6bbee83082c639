"""Benchmark: what one table refresh costs on the SQLite and the PostgreSQL catalog.

    .venv/bin/python bench/catalog_refresh.py [--calls 200]

``merge.write_rows`` refreshes its table before every write (``wap.write_snapshot_id``:
another process may have committed since the session loaded it). A refresh of an
unchanged table is one catalog query (the metadata file is only re-read when its location
changed). This builds a one-table lake in a temporary directory (local warehouse, no S3)
on each catalog — a SQLite file, then a private PostgreSQL server started by
``spark_jobs.local_postgres`` — and times ``--calls`` calls of ``write_snapshot_id`` in
one Spark session each, after a warm-up. Prints the median and the 90th percentile in ms.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TABLE = "ops.refresh_probe"


def measure(calls: int) -> None:
    """In a process whose SHOPLAKE_* name one catalog: create the table, time the refreshes."""
    from spark_jobs.quality.wap import write_snapshot_id
    from spark_jobs.session import get_spark

    spark = get_spark("bench catalog refresh")
    spark.sql("CREATE NAMESPACE IF NOT EXISTS ops")
    spark.sql(f"CREATE TABLE IF NOT EXISTS {TABLE} (id bigint) USING iceberg")
    spark.sql(f"INSERT INTO {TABLE} VALUES (1)")
    for _ in range(20):
        write_snapshot_id(spark, TABLE)
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        write_snapshot_id(spark, TABLE)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    print(f"{os.environ['SHOPLAKE_CATALOG_URI'].split(':')[1]:>10}: median {statistics.median(times):.2f} ms, "
          f"p90 {times[int(len(times) * 0.9)]:.2f} ms over {calls} refreshes")
    spark.stop()


def run_on(catalog_env: dict[str, str], base: Path, calls: int) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPLAKE_")}
    env.update(catalog_env)
    env.update({"SHOPLAKE_HOME": str(base / "home"), "SHOPLAKE_WAREHOUSE": (base / "warehouse").as_uri(),
                "SHOPLAKE_LANDING": str(base), "SHOPLAKE_SPARK_MASTER": "local[2]",
                "SHOPLAKE_SPARK_DRIVER_MEMORY": "1g"})
    subprocess.run([sys.executable, __file__, "--measure", "--calls", str(calls)], env=env, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.calls)
        return
    from spark_jobs import local_postgres

    with tempfile.TemporaryDirectory(prefix="bench-refresh-") as tmp:
        base = Path(tmp)
        (base / "sqlite" / "home").mkdir(parents=True)
        run_on({"SHOPLAKE_CATALOG_URI": f"jdbc:sqlite:{base / 'sqlite' / 'home' / 'catalog.db'}"},
               base / "sqlite", args.calls)
        server = local_postgres.up(base / "pg-home")
        try:
            run_on(server.catalog_env(), base / "postgres", args.calls)
        finally:
            local_postgres.down(base / "pg-home", remove=True)


if __name__ == "__main__":
    main()
