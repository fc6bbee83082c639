"""
### subscriptions_daily
Ingests one day of app events (NDJSON), subscriptions (JSON arrays) and marketing spend
(CSV) from `SHOPLAKE_LANDING`, brings silver up to date, rebuilds the gold metrics the
day's records touch on the Iceberg `audit` branch, checks silver and gold with Soda, and
publishes gold (fast-forward of `main`) only if every check passes. A failing check fails
`quality_scan_subscriptions` with the failed check names; readers keep the last good gold.

The run for logical date D processes `ingest_date=D`; re-running a day changes nothing.
**Manual range:** trigger with params `start` / `end` (YYYY-MM-DD) to process every
ingest date of the range in one run (bronze and silver as one batch for the whole
range, then one gold build, the checks of every date and one publication). Backfills (`airflow backfill create ... --max-active-runs 1`,
or the UI) create one ordinary run per date. Spark runs through `spark_default`.
"""
from shoplake_airflow import domain_dag

dag = domain_dag("subscriptions", doc_md=__doc__)
