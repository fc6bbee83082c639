"""
### subscriptions_daily
Lands one ingest date of the subscriptions domain — app events (NDJSON), subscriptions
(JSON arrays) and marketing spend (CSV) — from `SHOPLAKE_LANDING` into the bronze
Iceberg tables, and records read-vs-stored counts in `ops.run_log`.

One run per day; the run for logical date D processes `ingest_date=D`. Re-running a day
changes nothing. Spark runs through the `spark_default` connection.
"""
from airflow.sdk import DAG

from shoplake_airflow import DEFAULTS, START, spark_task

with DAG(
    "subscriptions_daily",
    schedule="@daily",
    start_date=START,
    catchup=True,
    max_active_runs=1,
    default_args=DEFAULTS,
    doc_md=__doc__,
    tags=["subscriptions"],
):
    bronze = spark_task("subscriptions.bronze")
