"""Benchmark: the common from-scratch history vs. the incremental daily state.

    .venv/bin/python bench/recsys.py [--customers 50000] [--actions 40000000] [--shown 20000] [--days 60 180 365]

Synthetic world: ``--customers`` customers, ``--actions`` actions spread over the longest
``--days`` before one impression day dt, ``--shown`` customers shown one 10-item carousel
on dt. For each history length H (only the last H days of actions exist):

(a) common: union actions, keep [dt − 365 d, dt), row_number() by (ts desc, type desc,
    item asc) per (customer, dt), keep 1000, collect_list;
(b) ours, the recsys.history job: yesterday's state (one row per customer as of dt − 2,
    built untimed) plus the actions of dt − 1 → the changed state rows written into
    silver.recsys_customer_history (a MERGE, or one rewrite when most rows changed) → the
    histories of the shown customers read from it.

Both outputs are asserted identical. Printed: the history stage alone (medians of 3
runs after a warm-up; the histories materialised to a no-op sink, the state write
included for (b)) and end to end (also writing the histories table for (b) and the
training rows as Iceberg for both), their ratios, and bytes on disk per training row and per day. Runs in its own
throw-away lake under a temp directory; it never touches the project's lake.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DT = date(2026, 7, 1)
LOOKBACK = 365
GOLD_PROPS = {"format-version": "2", "write.parquet.compression-codec": "zstd"}


def _isolated_lake() -> None:
    base = Path(tempfile.mkdtemp(prefix="shoplake-bench-"))
    (base / "home").mkdir()
    os.environ.update({"SHOPLAKE_HOME": str(base / "home"), "SHOPLAKE_WAREHOUSE": (base / "wh").as_uri(),
                       "SHOPLAKE_LANDING": str(base), "SHOPLAKE_SPARK_MASTER": os.environ.get("SHOPLAKE_SPARK_MASTER", "local[2]")})
    os.environ.setdefault("SHOPLAKE_SPARK_DRIVER_MEMORY", "8g")
    os.environ.setdefault("SHOPLAKE_SHUFFLE_PARTITIONS", "16")


def synthetic_actions(spark, customers: int, actions: int, days: int):
    """``actions`` actions of ``customers`` customers over the ``days`` days before DT."""
    from pyspark.sql import functions as F

    start = f"TIMESTAMP'{DT - timedelta(days=days)} 00:00:00'"
    rows = spark.range(actions, numPartitions=16).select(
        (F.abs(F.xxhash64("id", F.lit(1))) % customers + 1).alias("customer_id"),
        (F.expr(start) + F.make_interval(secs=(F.abs(F.xxhash64("id", F.lit(2))) % (days * 86400)).cast("double")))
        .alias("action_ts"),
        (F.abs(F.xxhash64("id", F.lit(3))) % 3 + 1).cast("int").alias("action_type"),
        (F.abs(F.xxhash64("id", F.lit(4))) % 50000 + 1).cast("int").alias("item_id"))
    return rows.withColumn("action_date", F.to_date("action_ts"))


def impressions(spark, customers: int, shown: int):
    from pyspark.sql import functions as F

    step = max(customers // shown, 1)
    items = F.transform(F.sequence(F.lit(0), F.lit(9)), lambda p: F.struct(
        ((F.col("id") * 7 + p * 13) % 50000 + 1).cast("int").alias("item_id"), (p == 0).alias("is_order")))
    return spark.range(shown).select(
        F.lit(DT).alias("dt"), F.concat(F.lit("r-"), F.col("id").cast("string")).alias("ranking_id"),
        (F.col("id") * step + 1).alias("customer_id"), items.alias("impressions"))


def timed(label: str, action, repeat: int = 3) -> float:
    """Median seconds of ``repeat`` runs of ``action`` (after one untimed warm-up run)."""
    action()
    times = []
    for _ in range(repeat):
        started = time.time()
        action()
        times.append(time.time() - started)
    median = sorted(times)[len(times) // 2]
    print(f"    {label:<52}{median:8.1f} s   (runs: {', '.join(f'{t:.1f}' for t in times)})", flush=True)
    return median


def write_gold(frame, table: str) -> None:
    ordered = frame.repartition(4, "customer_id").sortWithinPartitions("customer_id", "ranking_id", "position")
    writer = ordered.writeTo(table).using("iceberg").partitionedBy("dt")
    for key, value in GOLD_PROPS.items():
        writer = writer.tableProperty(key, value)
    writer.createOrReplace()


def table_bytes(spark, table: str) -> tuple[int, int]:
    row = spark.sql(f"SELECT sum(file_size_in_bytes), sum(record_count) FROM {table}.files").first()
    return int(row[0] or 0), int(row[1] or 0)


def load_actions(spark, days: int) -> int:
    """Untimed: silver.recsys_actions holds the last ``days`` days of the synthetic actions."""
    from pyspark.sql import functions as F

    from spark_jobs.recsys.tables import ACTIONS

    spark.sql(f"DELETE FROM {ACTIONS} WHERE true")
    spark.table("silver.bench_actions").where(F.col("action_date") >= F.lit(DT - timedelta(days=days))).select(
        "customer_id", "action_ts", "action_type", "item_id", "action_date", F.lit("clicks").alias("source"),
        F.col("action_date").alias("ingest_date"), F.lit("bench").alias("source_file"),
        F.lit(0).alias("record_number")).sortWithinPartitions("action_date").writeTo(ACTIONS).append()
    return spark.table(ACTIONS).count()


def yesterdays_state(spark) -> int:
    """Untimed set-up: the state as the pipeline holds it before dt − 1 is folded in (every
    customer's row as of dt − 2, folded-through = dt − 2), built from scratch and stored.
    Returns its snapshot id, to which every timed run is reset."""
    from pyspark.sql import functions as F

    from spark_jobs.recsys.fold import fold
    from spark_jobs.recsys.history import FOLDED_THROUGH
    from spark_jobs.recsys.tables import ACTIONS, STATE

    before = DT - timedelta(days=2)
    spark.sql(f"DELETE FROM {STATE} WHERE true")
    fold(None, spark.table(ACTIONS).where(F.col("action_date") <= F.lit(before)), LOOKBACK) \
        .writeTo(STATE).append()
    spark.sql(f"ALTER TABLE {STATE} SET TBLPROPERTIES ('{FOLDED_THROUGH}' = '{before.isoformat()}')")
    return spark.sql(f"SELECT snapshot_id FROM {STATE}.snapshots ORDER BY committed_at DESC LIMIT 1").first()[0]


def reset_state(spark, snapshot: int) -> None:
    from spark_jobs.config import CATALOG_NAME
    from spark_jobs.recsys.history import FOLDED_THROUGH
    from spark_jobs.recsys.tables import STATE

    spark.sql(f"CALL {CATALOG_NAME}.system.rollback_to_snapshot('{STATE}', {snapshot})")
    spark.sql(f"ALTER TABLE {STATE} SET TBLPROPERTIES ('{FOLDED_THROUGH}' = '{DT - timedelta(days=2)}')")


def ours(spark, shown, snapshot: int):
    """The recsys.history job's work for dt: fold dt − 1 into the state (MERGE or rewrite),
    then the histories of the customers shown on dt. Returns the histories frame."""
    from spark_jobs.recsys.fold import lookback_days
    from spark_jobs.recsys.history import advance_state, histories_for

    assert lookback_days() == LOOKBACK
    reset_state(spark, snapshot)
    no_changes = spark.createDataFrame([], "customer_id bigint, from_date date")
    watermark = advance_state(spark, DT - timedelta(days=1), no_changes, LOOKBACK)
    return histories_for(spark, shown, watermark, LOOKBACK)


def noop(frame) -> None:
    frame.write.format("noop").mode("overwrite").save()


def run_scale(spark, days: int, imps) -> dict:
    from spark_jobs.recsys.training import training_rows
    from spark_jobs.recsys.history import store_histories
    from spark_jobs.recsys.tables import ACTIONS, HISTORIES
    from spark_jobs.recsys.reference import history_from_scratch

    n_actions = load_actions(spark, days)
    print(f"\n== {days} days of history: {n_actions:,} actions, {imps.count():,} customers shown", flush=True)
    snapshot = yesterdays_state(spark)
    shown = imps.select("customer_id", "dt").distinct().localCheckpoint()
    common = history_from_scratch(spark.table(ACTIONS), shown, LOOKBACK)

    def incremental_e2e():
        spark.sql(f"DELETE FROM {HISTORIES} WHERE true")
        store_histories(ours(spark, shown, snapshot), shown)
        write_gold(training_rows(imps, spark.table(HISTORIES)), "gold.bench_incremental")

    r = {"days": days, "actions": n_actions}
    r["a_history"] = timed("(a) common: history stage", lambda: noop(common))
    r["b_history"] = timed("(b) incremental: fold dt-1 (state write) + histories", lambda: noop(ours(spark, shown, snapshot)))
    incremental = ours(spark, shown, snapshot).localCheckpoint()
    assert incremental.count() == shown.count()
    assert common.exceptAll(incremental).count() == 0 and incremental.exceptAll(common).count() == 0, "outputs differ"
    print("    identical histories: yes", flush=True)
    r["a_e2e"] = timed("(a) common: end to end incl. write", lambda: write_gold(training_rows(imps, common), "gold.bench_common"), 1)
    r["b_e2e"] = timed("(b) incremental: end to end incl. writes", incremental_e2e, 1)
    bytes_, rows = table_bytes(spark, "gold.bench_incremental")
    r.update(bytes=bytes_, rows=rows)
    print(f"    ratio history {r['a_history'] / r['b_history']:.1f}x, end to end {r['a_e2e'] / r['b_e2e']:.1f}x; "
          f"training rows {rows:,}: {bytes_ / rows:,.0f} bytes/row, {bytes_ / 2**20:,.1f} MiB/day", flush=True)
    return r


def storage_variants(spark, imps) -> None:
    """Bytes per row of the last day for three layouts of the same rows."""
    from pyspark.sql import functions as F

    rows = spark.table("gold.bench_incremental")
    rows.repartition(4).writeTo("gold.bench_unsorted").using("iceberg").partitionedBy("dt") \
        .tableProperty("write.parquet.compression-codec", "zstd").createOrReplace()
    history = rows.groupBy("dt", "customer_id").agg(F.first("history_length").alias("history_length"),
                                                   F.first("actions").alias("actions"), F.first("action_types").alias("action_types"))
    write_gold(history.withColumn("ranking_id", F.lit("")).withColumn("position", F.lit(0)), "gold.bench_history")
    write_gold(rows.drop("history_length", "actions", "action_types"), "gold.bench_slim")
    n = rows.count()
    sorted_b = table_bytes(spark, "gold.bench_incremental")[0]
    unsorted_b = table_bytes(spark, "gold.bench_unsorted")[0]
    norm_b = table_bytes(spark, "gold.bench_history")[0] + table_bytes(spark, "gold.bench_slim")[0]
    print("\n== storage of one day's training input (zstd)")
    for label, size in (("rows in random order", unsorted_b), ("sorted by customer, ranking, position (ours)", sorted_b),
                        ("normalised: history per (dt, customer) + slim rows", norm_b)):
        print(f"    {label:<52}{size / n:>9,.0f} bytes/row {size / 2**20:>9,.1f} MiB/day")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--actions", type=int, default=40_000_000, help="actions over the longest history")
    parser.add_argument("--shown", type=int, default=20_000)
    parser.add_argument("--days", type=int, nargs="+", default=[60, 180, 365])
    args = parser.parse_args(argv)
    _isolated_lake()
    from spark_jobs.ddl import apply_ddl
    from spark_jobs.session import get_spark

    spark = get_spark("shoplake bench recsys")
    spark.sparkContext.setLogLevel("ERROR")
    apply_ddl(spark)
    longest = max(args.days)
    started = time.time()
    synthetic_actions(spark, args.customers, args.actions, longest).writeTo("silver.bench_actions") \
        .using("iceberg").partitionedBy("action_date").tableProperty("write.parquet.compression-codec", "zstd").createOrReplace()
    print(f"set-up: {args.actions:,} actions over {longest} days written in {time.time() - started:.0f} s", flush=True)
    imps = impressions(spark, args.customers, args.shown).cache()
    results = [run_scale(spark, days, imps) for days in args.days]  # in the order given
    storage_variants(spark, imps)
    print("\n== summary (seconds)")
    print(f"    {'days':>5}{'actions':>12}{'hist (a)':>10}{'hist (b)':>10}{'ratio':>7}{'e2e (a)':>10}{'e2e (b)':>10}{'ratio':>7}{'B/row':>8}")
    for r in results:
        print(f"    {r['days']:>5}{r['actions']:>12,}{r['a_history']:>10.1f}{r['b_history']:>10.1f}"
              f"{r['a_history'] / r['b_history']:>7.1f}{r['a_e2e']:>10.1f}{r['b_e2e']:>10.1f}"
              f"{r['a_e2e'] / r['b_e2e']:>7.1f}{r['bytes'] / r['rows']:>8,.0f}")


if __name__ == "__main__":
    main()
