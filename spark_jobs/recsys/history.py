"""``recsys.history``: keep one history per customer current, and answer the day's impressions.

``silver.recsys_customer_history`` holds one row per customer: the first 1000 of their
actions dated <= ``as_of_date``, in history order, inside the lookback of the day after.
The table property ``shoplake.folded-through`` (W) says every action dated <= W is
folded in: a row dated b holds exactly the actions before any day in (b, W + 1], and a
customer without a row has no action inside the window of W + 1. The run for ingest date D:

1. brings the state to D − 1 (the day before its impressions): customers whose already
   folded actions changed (late or re-delivered) are rebuilt from their actions; the
   others get their actions dated after their row folded in front of it (``fold.fold``);
2. writes ``silver.recsys_impression_histories`` (customer_id, dt → arrays) for every
   carousel gold must (re)build for D: from the state row when it holds exactly the
   actions before dt (as_of_date < dt <= W + 1, or no row and dt = W + 1 — the daily
   case), otherwise from scratch for that (customer, dt) only (late impressions,
   carousels before a late action, runs out of order).

Over a range of ingest dates, one step per week of it (:func:`run`): the state brought
once to the day before the week's last date, the week's earlier carousels from scratch.

No year of actions is sorted in a daily run: it reads the day's actions and the state
rows of the customers who acted, and the state rows of the customers shown.
"""
from __future__ import annotations

from datetime import date, timedelta

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from spark_jobs.config import CATALOG_NAME, Settings
from spark_jobs.ingest_dates import dates_between, in_dates
from spark_jobs.merge import owned_keys, write_rows
from spark_jobs.recsys.fold import ARRAYS, fold, lookback_days, read
from spark_jobs.recsys.rankings import carousels_to_build
from spark_jobs.recsys.reference import history_from_scratch
from spark_jobs.recsys.tables import ACTION_CHANGES, ACTIONS, HISTORIES, STATE
from spark_jobs.sql_literals import values_in

FOLDED_THROUGH = "shoplake.folded-through"
BROADCAST_CUSTOMERS = 2_000_000   # a day's actions of more customers are joined by shuffle
COMPACT_AFTER_MERGES = 7          # a week of daily MERGEs whose delete files every read applies
# When at least this share of the state's rows changes (most customers acted), rewriting
# the table costs less than a MERGE (which must join every changed row) and leaves no
# delete files for later reads to apply; a MERGE stays cheaper when few rows change.
REWRITE_SHARE = 0.5


def folded_through(spark: SparkSession) -> date | None:
    props = {r[0]: r[1] for r in spark.sql(f"SHOW TBLPROPERTIES {STATE}").collect()}
    return date.fromisoformat(props[FOLDED_THROUGH]) if FOLDED_THROUGH in props else None


def actions_between(spark: SparkSession, first: date | None, last: date) -> DataFrame:
    actions = spark.table(ACTIONS).where(F.col("action_date") <= F.lit(last))
    return actions if first is None else actions.where(F.col("action_date") >= F.lit(first))


def to_rebuild(spark: SparkSession, changes: DataFrame, watermark: date | None) -> DataFrame:
    """Customers of ``changes`` whose change reaches actions already folded into their row."""
    rows = spark.table(STATE).select("customer_id", "as_of_date")
    folded = F.greatest("as_of_date", F.lit(watermark)) if watermark else F.col("as_of_date")  # greatest skips NULL
    return changes.join(rows, "customer_id", "left").where(F.col("from_date") <= folded).select("customer_id")


def new_state_rows(spark: SparkSession, through: date, watermark: date | None, upto: date,
                   rebuild: DataFrame, lookback: int) -> DataFrame:
    """State rows for the rebuilt customers and for those with actions dated after their
    row and the old watermark, up to ``through``.

    A row built from nothing reads only the actions inside the window of the day after
    its watermark (``upto`` for the rebuilt, ``through`` on the first run), so it is dated
    that watermark: a row dated by an earlier last action would promise the older part of
    its own window, which was never read. A customer whose actions all lie before that
    window gets no row."""
    mine = F.broadcast(rebuild)
    rebuilt = fold(None, window_actions(spark, upto, lookback).join(mine, "customer_id"), lookback, floor=upto)
    if upto == watermark:
        return rebuilt
    rows = spark.table(STATE).select("customer_id", F.col("as_of_date").alias("row_date"))
    since = watermark + timedelta(days=1) if watermark else through - timedelta(days=lookback - 1)
    new = (actions_between(spark, since, through).join(rows, "customer_id", "left")
           .where(F.col("row_date").isNull() | (F.col("action_date") > F.col("row_date")))
           .join(mine, "customer_id", "left_anti")).localCheckpoint()
    few = new.select("customer_id").distinct().count() <= BROADCAST_CUSTOMERS
    # Customers without a row start from nothing: on the first run their rows are dated
    # ``through`` (see above); later, every action of theirs dated <= W is outside W + 1's
    # window, hence outside the window of any later day.
    first_run_floor = None if watermark else through
    return fold(spark.table(STATE), new, lookback, broadcast=few, floor=first_run_floor).unionByName(rebuilt)


def window_actions(spark: SparkSession, day: date, lookback: int) -> DataFrame:
    """Actions dated <= ``day`` inside the window of the day after (``day + 1 − lookback`` on)."""
    return actions_between(spark, day + timedelta(days=1 - lookback), day)


def write_state(spark: SparkSession, rows: DataFrame, rebuild: DataFrame, table: str = STATE) -> None:
    """The state's rows of ``rows``' customers become ``rows``; rebuilt customers left without
    actions lose their row. A MERGE when few rows change, else one rewrite of the table."""
    state = spark.table(table)
    total, changed = state.count(), rows.count()
    if total == 0 or changed < REWRITE_SHARE * total:
        write_rows(rows, owned_keys(table, ["customer_id"], rebuild, update_all=True))
        return
    replaced = rows.select("customer_id").unionByName(rebuild.select("customer_id"))
    kept = state.join(replaced, "customer_id", "left_anti")
    kept.unionByName(rows.select(*state.columns)).writeTo(table).overwrite(F.lit(True))


def advance_state(spark: SparkSession, through: date, changes: DataFrame, lookback: int) -> date:
    """Fold every action dated <= ``through`` into the state; returns the new watermark."""
    watermark = folded_through(spark)
    new_mark = max(through, watermark) if watermark else through   # the state never moves back
    rebuild = to_rebuild(spark, changes, watermark).distinct().localCheckpoint()
    rows = new_state_rows(spark, through, watermark, new_mark, rebuild, lookback).localCheckpoint()
    write_state(spark, rows, rebuild)
    if new_mark != watermark:   # after the rows: a crash in between only makes the next run redo work
        spark.sql(f"ALTER TABLE {STATE} SET TBLPROPERTIES ('{FOLDED_THROUGH}' = '{new_mark.isoformat()}')")
    return new_mark


def compact_state(spark: SparkSession, table: str = STATE) -> bool:
    """Rewrite the state once daily MERGEs have left enough delete files that reading them
    costs more than a rewrite (the same rows are updated day after day): every data file
    into fresh ones, then the position deletes, which now point at no file and vanish.
    Counted: snapshots since the table last held no delete file (a rewrite of the whole
    state, or the last compaction, starts the count again)."""
    merges = spark.sql(f"""SELECT count(*) FROM {table}.snapshots WHERE committed_at > coalesce(
        (SELECT max(committed_at) FROM {table}.snapshots WHERE summary['total-delete-files'] = '0'),
        TIMESTAMP'1970-01-01 00:00:00')""").first()[0]
    if merges < COMPACT_AFTER_MERGES:
        return False
    for procedure in ("rewrite_data_files", "rewrite_position_delete_files"):
        spark.sql(f"CALL {CATALOG_NAME}.system.{procedure}(table => '{table}', options => map('rewrite-all', 'true'))")
    return True


def histories_for(spark: SparkSession, wanted: DataFrame, watermark: date, lookback: int) -> DataFrame:
    """(customer_id, dt, *ARRAYS) of ``wanted``: from the state where it holds exactly the
    actions before dt, the rest from scratch."""
    rows = spark.table(STATE)
    after_mark = F.lit(watermark + timedelta(days=1))
    # A row dated b holds the actions of every day in (b, W + 1]; no row means no action
    # inside W + 1's window, which says nothing about the windows of earlier days.
    exact = F.when(F.col("as_of_date").isNull(), F.col("dt") == after_mark) \
        .otherwise((F.col("as_of_date") < F.col("dt")) & (F.col("dt") <= after_mark))
    located = wanted.join(rows.select("customer_id", "as_of_date"), "customer_id", "left")
    by_state = located.where(exact)
    by_scratch = wanted.join(by_state, ["customer_id", "dt"], "left_anti").localCheckpoint()
    from_state = read(rows, by_state.select("customer_id", "dt"), lookback)
    low, high = by_scratch.agg(F.min("dt"), F.max("dt")).first()
    if low is None:
        return from_state
    actions = actions_between(spark, low - timedelta(days=lookback + 1), high)
    return from_state.unionByName(history_from_scratch(actions, by_scratch, lookback))


def store_histories(histories: DataFrame, wanted: DataFrame) -> None:
    """Make the rows of ``wanted`` (customer_id, dt) in the histories table equal ``histories``."""
    dts = [r.dt for r in wanted.select("dt").distinct().collect()]
    if not dts:
        return
    rows = histories.select("customer_id", "dt", *ARRAYS).localCheckpoint()   # computed once, not per MERGE pass
    write_rows(rows, owned_keys(HISTORIES, ["customer_id", "dt"], wanted, prune=values_in("t.dt", dts)))


def write_histories(spark: SparkSession, ingest_dates: list[date], watermark: date, lookback: int) -> int:
    """The histories of every carousel gold (re)builds for the ingest dates."""
    wanted = carousels_to_build(spark, ingest_dates).select("customer_id", "dt").distinct().localCheckpoint()
    store_histories(histories_for(spark, wanted, watermark, lookback), wanted)
    return wanted.count()


def run_step(spark: SparkSession, days: list[date], lookback: int) -> None:
    """Consecutive ingest dates in one step: the state folded once, through the day before
    the last date, then the histories of every carousel of the dates; the earlier dates'
    carousels come from scratch (:func:`histories_for`), which is exact whatever the state."""
    changes = (spark.table(ACTION_CHANGES).where(in_dates(days)).select("customer_id", "from_date"))
    watermark = advance_state(spark, days[-1] - timedelta(days=1), changes, lookback)
    shown = write_histories(spark, days, watermark, lookback)
    compacted = compact_state(spark)
    print(f"history recsys {days[0]}..{days[-1]}  folded through {watermark}  histories written={shown}"
          f"{'  state compacted' if compacted else ''}")


# A range runs in steps of this many dates at most. A step saves a fold, a state write and
# their fixed cost per date; its earlier dates' carousels are built from scratch, which
# costs about what a daily fold would at scale (bench/recsys.py, common vs ours) and holds
# every action of their windows in one sort, so a long backfill goes a week at a time.
RANGE_STEP_DAYS = 7
RUNS_ONCE_PER_RANGE = True


def run(spark: SparkSession, settings: Settings, ingest_date: date, first_date: date | None = None) -> None:
    """Histories for the ingest dates ``first_date`` (default ``ingest_date``) .. ``ingest_date``."""
    lookback = lookback_days()
    days = dates_between(first_date or ingest_date, ingest_date)
    for start in range(0, len(days), RANGE_STEP_DAYS):
        run_step(spark, days[start:start + RANGE_STEP_DAYS], lookback)
