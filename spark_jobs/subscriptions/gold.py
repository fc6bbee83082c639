"""Gold metrics of the subscriptions domain, written to the ``audit`` branch.

Each table is one SQL model with its yml beside it (``sql/gold/subscriptions/<table>.sql``
and ``.yml``). A daily run recomputes only what the ingest date's records touched, as
each yml's ``recompute`` declares, and MERGEs those rows:

- ``touched: event_date``: the touched event dates (for a refund silver hands over its
  purchase's date too), plus the dates that enter or leave the table's zero-filled range
  [first date of its input, as_of] — as_of moving forward, or the first date moving;
- ``touched: user_id``: the touched users (for a refund, silver hands over the purchase's user);
- ``touched: cohort_week``: the cohorts of the touched users, or the whole table when
  as_of has moved into another week (every cohort gains a week_number);
- no ``recompute``: the whole table. Every MRR date depends on all subscriptions active
  then (one per user), the CAC tables are channel totals and a channel x month grid, the
  ratio averages over all users of a channel; all are small.
Nothing is visible to readers until quality.publish fast-forwards main (see spark_jobs.quality).
"""
from __future__ import annotations

from datetime import date, timedelta

from pyspark.sql import SparkSession

from spark_jobs.config import Settings
from spark_jobs.frames import described
from spark_jobs.gold import GoldModel, build_models, pending_dates, touched_keys
from spark_jobs.subscriptions import DOMAIN as declaration
from spark_jobs.subscriptions import gold_keys

DOMAIN = declaration.name
MODELS = tuple(GoldModel.declared(DOMAIN, name) for name in declaration.gold_tables)


def date_range(first: date | None, as_of: date) -> set[date]:
    """Every date of a zero-filled table's range [first, as_of] (empty without input)."""
    if first is None or first > as_of:
        return set()
    return {first + timedelta(days=n) for n in range((as_of - first).days + 1)}


def range_changes(spark: SparkSession, model: GoldModel, first: date | None, as_of: date) -> set[date]:
    """Dates entering or leaving a zero-filled date table: its range for as_of versus the
    dates it holds (as_of moved forward, or the first date moved)."""
    held = {r[0] for r in spark.table(model.table).select(model.slice_key).collect()}
    return date_range(first, as_of) ^ held


def keys_to_recompute(spark: SparkSession, model: GoldModel, as_of: date, first: dict) -> set | None:
    """The touched key values of ``model`` (None: recompute the whole table)."""
    if model.slice_key is None:
        return None
    if model.touched == "user_id":
        return gold_keys.touched_users(spark)
    if model.touched == "cohort_week":
        if gold_keys.cohort_weeks_moved(spark, model.table, as_of):
            return None
        return gold_keys.touched_cohorts(spark)
    dates = gold_keys.touched_dates(spark)
    return None if dates is None else dates | range_changes(spark, model, first[model.zero_filled_from], as_of)


def build_gold(spark: SparkSession, ingest_date: date) -> dict[str, str]:
    """Bring every gold table's audit branch up to date for ``ingest_date`` and every
    ingest date not yet published, recomputing the slices their records touched."""
    dates = pending_dates(spark, DOMAIN, ingest_date)
    print(f"gold subscriptions: ingest dates {', '.join(map(str, dates))}")
    with described(spark, "gold: touched keys, first dates"):
        gold_keys.register_touched(touched_keys(spark, DOMAIN, dates).cache())
        first = gold_keys.first_dates(spark)
    return build_models(spark, DOMAIN, ingest_date,
                        lambda model, as_of: keys_to_recompute(spark, model, as_of, first))


RUNS_ONCE_PER_RANGE = True  # builds every pending date, so a range needs one build


def run(spark: SparkSession, settings: Settings, ingest_date: date, first_date: date | None = None) -> None:
    build_gold(spark, ingest_date)
