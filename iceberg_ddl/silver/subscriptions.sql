-- One row per subscription_id: the winning valid record over all ingest dates, greatest
-- (ingest_date, created_at, status = 'canceled', end_date (null lowest), price_usd, plan_id).
CREATE TABLE IF NOT EXISTS silver.subscriptions (
    {columns:subscription_version}
)
USING iceberg
