"""
### subscriptions_daily
Ingests one day of app events (NDJSON), subscriptions (JSON arrays) and marketing spend
(CSV) from `SHOPLAKE_LANDING`, brings silver up to date, rebuilds the gold metrics the
day's records touch on the Iceberg `audit` branch, checks silver and gold with Soda, and
publishes gold (fast-forward of `main`) only if every check passes. A failing check fails
`quality_scan_subscriptions` with the failed check names; readers keep the last good gold.

The run for logical date D processes `ingest_date=D`; re-running a day changes nothing.
**Manual range:** trigger with params `start` / `end` (YYYY-MM-DD) to process every
ingest date of the range in one run (bronze and silver per date, then one gold build,
the checks of every date and one publication). Backfills (`airflow backfill create ... --max-active-runs 1`,
or the UI) create one ordinary run per date. Spark runs through `spark_default`.
"""
from airflow.sdk import DAG, Param

from shoplake_airflow import DEFAULTS, START, spark_task

FIRST = "{{ params.start or ds }}"
LAST = "{{ params.end or params.start or ds }}"
DATE_PARAM = {"type": ["null", "string"], "format": "date"}

with DAG(
    "subscriptions_daily",
    schedule="@daily",
    start_date=START,
    catchup=True,
    max_active_runs=1,
    default_args=DEFAULTS,
    doc_md=__doc__,
    tags=["subscriptions"],
    params={
        "start": Param(None, description="first ingest date of a manual range (default: the logical date)", **DATE_PARAM),
        "end": Param(None, description="last ingest date of a manual range (default: start)", **DATE_PARAM),
    },
):
    bronze = spark_task("subscriptions.bronze", date=FIRST, to=LAST)
    silver = spark_task("subscriptions.silver", date=FIRST, to=LAST)
    gold = spark_task("subscriptions.gold", date=LAST)              # every unpublished date, to the audit branch
    scan = spark_task("quality.scan", "subscriptions", date=FIRST, to=LAST)
    publish = spark_task("quality.publish", "subscriptions", date=LAST)
    bronze >> silver >> gold >> scan >> publish
