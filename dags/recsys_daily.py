"""
### recsys_daily
Ingests one day of carousel impressions and customer actions (clicks, add-to-carts,
previous orders; NDJSON or Parquet) from `SHOPLAKE_LANDING`, brings silver up to date,
advances the incremental action history (only customers whose actions the day touched,
from their earliest touched date), rebuilds the `gold.training_input` rankings the day
delivered or whose history changed on the Iceberg `audit` branch, checks it with Soda
(arrays of 1000, padding, types, no leakage, unique keys) and publishes it (fast-forward
of `main`) only if every check passes. Readers and the training loader see `main`.

The run for logical date D processes `ingest_date=D`; re-running a day changes nothing.
**Manual range:** trigger with params `start` / `end` (YYYY-MM-DD) to process every
ingest date of the range in one run. Spark runs through `spark_default`.
"""
from airflow.sdk import DAG, Param

from shoplake_airflow import DEFAULTS, START, spark_task

FIRST = "{{ params.start or ds }}"
LAST = "{{ params.end or params.start or ds }}"
DATE_PARAM = {"type": ["null", "string"], "format": "date"}

with DAG(
    "recsys_daily",
    schedule="@daily",
    start_date=START,
    catchup=True,
    max_active_runs=1,
    default_args=DEFAULTS,
    doc_md=__doc__,
    tags=["recsys"],
    params={
        "start": Param(None, description="first ingest date of a manual range (default: the logical date)", **DATE_PARAM),
        "end": Param(None, description="last ingest date of a manual range (default: start)", **DATE_PARAM),
    },
):
    bronze = spark_task("recsys.bronze", date=FIRST, to=LAST)
    silver = spark_task("recsys.silver", date=FIRST, to=LAST)
    history = spark_task("recsys.history", date=FIRST, to=LAST)     # state of touched customers only
    gold = spark_task("recsys.gold", date=LAST)                      # every unpublished date, to the audit branch
    scan = spark_task("quality.scan", "recsys", date=FIRST, to=LAST)
    publish = spark_task("quality.publish", "recsys", date=LAST)
    bronze >> silver >> history >> gold >> scan >> publish
