"""Which gold rows an ingest date can have changed, from the keys silver handed over.

``ops.changed_keys`` lists, for the records of an ingest date, the event_date and user_id
of every known version of each record (winner and losing conflict versions), and for a
refund also the event_date and user_id of the purchase it refers to. From those:

- a date table's rows change on the touched event dates (net revenue: a refund is booked on
  its purchase's date, which silver hands over with the refund);
- a user's LTV changes when the user is touched (refunds belong to the purchase's user,
  whom silver hands over with the refund);
- a cohort changes when one of its users is touched: the cohorts to redo are the weeks of
  every signup (all versions) of the touched users — the user's old and new first signup
  are among them — and the weeks of the signups silver hands over itself (``cohort_week``:
  a signup a re-delivered file removed is no longer among the versions).
Each function returns a set of key values, or None when too many are touched to list
(the table is then replaced whole — the same result).
"""
from __future__ import annotations

from datetime import date

from pyspark.sql import DataFrame, SparkSession

from spark_jobs.gold import MAX_SLICE_KEYS

# every known version of every event: the winners and the losing conflict versions
EVENT_VERSIONS = """
    SELECT event_id, user_id, event_type, event_date, refers_to_event_id FROM silver.events
    UNION ALL
    SELECT event_id, user_id, event_type, event_date, refers_to_event_id FROM silver.event_conflicts
"""
TOUCHED_VIEW = "gold_touched_keys"


def register_touched(touched: DataFrame) -> None:
    """Expose ops.changed_keys rows (key_type, key_value) of this run as a temp view."""
    touched.createOrReplaceTempView(TOUCHED_VIEW)


def _collect(spark: SparkSession, query: str) -> set | None:
    rows = spark.sql(query).limit(MAX_SLICE_KEYS + 1).collect()
    if len(rows) > MAX_SLICE_KEYS:
        return None
    return {r[0] for r in rows}


def touched_dates(spark: SparkSession) -> set[date] | None:
    return _collect(spark, f"SELECT DISTINCT cast(key_value AS date) FROM {TOUCHED_VIEW} "
                           f"WHERE key_type = 'event_date'")


def touched_users(spark: SparkSession) -> set[str] | None:
    return _collect(spark, f"SELECT DISTINCT key_value FROM {TOUCHED_VIEW} WHERE key_type = 'user_id'")


def touched_cohorts(spark: SparkSession) -> set[date] | None:
    """Monday of the week of every signup version of every touched user, and of every
    signup (present or removed) of the touched records."""
    return _collect(spark, f"""
        WITH versions AS ({EVENT_VERSIONS})
        SELECT trunc(v.event_date, 'week')
        FROM versions v
        JOIN {TOUCHED_VIEW} k ON k.key_type = 'user_id' AND k.key_value = v.user_id
        WHERE v.event_type = 'signup'
        UNION
        SELECT cast(key_value AS date) FROM {TOUCHED_VIEW} WHERE key_type = 'cohort_week'
    """)


def first_dates(spark: SparkSession) -> dict[str, date | None]:
    """First date of each input a zero-filled date table may start from (its yml's
    ``zero_filled_from``): any valid event, or a purchase; one pass over silver.events."""
    row = spark.sql("""
        SELECT min(event_date) AS events,
               min(CASE WHEN event_type = 'purchase' THEN event_date END) AS purchases
        FROM silver.events
    """).first()
    return {"events": row["events"], "purchases": row["purchases"]}


def cohort_weeks_moved(spark: SparkSession, table: str, as_of: date) -> bool:
    """True when the table's last week differs from as_of's week: every cohort then gains
    (or loses) a week_number row, so the whole table is recomputed."""
    row = spark.sql(f"SELECT max(date_add(cohort_week, 7 * week_number)) AS last_week, "
                    f"trunc(DATE'{as_of.isoformat()}', 'week') AS as_of_week FROM {table}").first()
    return row["last_week"] is None or row["last_week"] != row["as_of_week"]
