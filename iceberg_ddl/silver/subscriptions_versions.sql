-- Receipts: the best valid record of each subscription_id per ingest date. silver.subscriptions is
-- the greatest version over all dates, recomputed from here (order-independent, re-runnable).
CREATE TABLE IF NOT EXISTS silver.subscriptions_versions (
    {columns:subscription_version}
)
USING iceberg
PARTITIONED BY (ingest_date)
