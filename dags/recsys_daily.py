"""
### recsys_daily
Ingests one day of carousel impressions and customer actions (clicks, add-to-carts,
previous orders; NDJSON or Parquet) from `SHOPLAKE_LANDING`, brings silver up to date,
advances the incremental action history (only customers whose actions the day touched,
from their earliest touched date), rebuilds the `gold.training_input` rankings the day
delivered or whose history changed on the Iceberg `audit` branch, checks it with Soda
(arrays of 1000, padding, types, no leakage, unique keys) and publishes it (fast-forward
of `main`) only if every check passes. Readers and the training loader see `main`.
The publication writes the run's HTML report (training-input sizes, data quality) and
logs its path. Tasks: `plan_dates` → `bronze` → `silver_history_gold` → `scan_publish`.

The run for logical date D (its id starts with D) processes `ingest_date=D`, and first
every earlier landing date never published; re-running a day changes nothing.
**Trigger a date:** set the logical date; add the `end` param (YYYY-MM-DD) to process
every ingest date from it to `end` in one run (bronze and silver as one batch, history a
week at a time, one gold build). Spark runs through `spark_default`.
"""
from shoplake_airflow import domain_dag

dag = domain_dag("recsys", doc_md=__doc__)
