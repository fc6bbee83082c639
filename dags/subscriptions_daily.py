"""
### subscriptions_daily
Ingests one day of app events (NDJSON), subscriptions (JSON arrays) and marketing spend
(CSV) from `SHOPLAKE_LANDING`, brings silver up to date, rebuilds the gold metrics the
day's records touch on the Iceberg `audit` branch, checks silver and gold with Soda, and
publishes gold (fast-forward of `main`) only if every check passes. A failing check fails
`scan_publish` with the failed check names; readers keep the last good gold. The
publication writes the run's HTML report (DAU, revenue, MRR, cohorts, data quality) and
logs its path (`report: file://…`).

Tasks: `plan_dates` (which dates, no Spark) → `bronze` → `silver_gold` → `scan_publish`.

The run for logical date D (its id starts with D: `manual__D__…`, `scheduled__D`)
processes `ingest_date=D`, and first every earlier landing date never published (the
scheduler does not catch up; the next run does, so no landed date is skipped). Re-running
a day changes nothing. **Trigger a date:** set the logical date; add the `end` param
(YYYY-MM-DD) to process every ingest date from it to `end` in one run (bronze and silver
as one batch, one gold build, the checks of every date, one publication). Backfills
create one ordinary run per date; the domain's pool runs one task of it at a time, so
runs of the domain wait for each other. Spark runs through `spark_default`.
"""
from shoplake_airflow import domain_dag

dag = domain_dag("subscriptions", doc_md=__doc__)
