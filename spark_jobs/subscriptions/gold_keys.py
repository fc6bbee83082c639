"""Which gold rows an ingest date can have changed, from the keys silver handed over.

``ops.changed_keys`` lists, for the records of an ingest date, the event_date and user_id
of every known version of each record (winner and losing conflict versions). From those:

- a date table's rows change on the touched event dates, and for net revenue also on the
  dates of the purchases the touched refunds refer to (a refund is booked on its purchase);
- a user's LTV changes when the user is touched, or when a touched refund refers to one of
  their purchases (refunds belong to the purchase's user, whoever sent them);
- a cohort changes when one of its users is touched: the cohorts to redo are the weeks of
  every signup (all versions) of the touched users — the user's old and new first signup
  are among them.
Each function returns a set of key values, or None when too many are touched to list
(the table is then replaced whole — the same result).
"""
from __future__ import annotations

from datetime import date

from pyspark.sql import DataFrame, SparkSession

from spark_jobs.gold import MAX_SLICE_KEYS

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


def _refunded_purchases(columns: str) -> str:
    """Purchases (winners) that a refund version dated on a touched event date refers to."""
    return f"""
        WITH versions AS ({EVENT_VERSIONS}),
        touched_refunds AS (
            SELECT DISTINCT v.refers_to_event_id
            FROM versions v
            JOIN {TOUCHED_VIEW} k ON k.key_type = 'event_date' AND cast(k.key_value AS date) = v.event_date
            WHERE v.event_type = 'refund'
        )
        SELECT DISTINCT {columns}
        FROM silver.events p
        JOIN touched_refunds r ON r.refers_to_event_id = p.event_id
        WHERE p.event_type = 'purchase'
    """


def net_revenue_dates(spark: SparkSession) -> set[date] | None:
    """Touched event dates plus the purchase dates of touched refunds."""
    dates = touched_dates(spark)
    refunded = _collect(spark, _refunded_purchases("p.event_date"))
    return None if dates is None or refunded is None else dates | refunded


def ltv_users(spark: SparkSession) -> set[str] | None:
    """Touched users plus the users whose purchases touched refunds refer to."""
    return _collect(spark, f"""
        SELECT key_value FROM {TOUCHED_VIEW} WHERE key_type = 'user_id'
        UNION
        SELECT * FROM ({_refunded_purchases("p.user_id")})
    """)


def touched_cohorts(spark: SparkSession) -> set[date] | None:
    """Monday of the week of every signup version of every touched user."""
    return _collect(spark, f"""
        WITH versions AS ({EVENT_VERSIONS})
        SELECT DISTINCT trunc(v.event_date, 'week')
        FROM versions v
        JOIN {TOUCHED_VIEW} k ON k.key_type = 'user_id' AND k.key_value = v.user_id
        WHERE v.event_type = 'signup'
    """)


def cohort_weeks_moved(spark: SparkSession, table: str, as_of: date) -> bool:
    """True when the table's last week differs from as_of's week: every cohort then gains
    (or loses) a week_number row, so the whole table is recomputed."""
    row = spark.sql(f"SELECT max(date_add(cohort_week, 7 * week_number)) AS last_week, "
                    f"trunc(DATE'{as_of.isoformat()}', 'week') AS as_of_week FROM {table}").first()
    return row["last_week"] is None or row["last_week"] != row["as_of_week"]
