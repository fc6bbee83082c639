-- Receipts: the last valid row of each (spend_date, channel) per ingest date; silver.marketing_spend
-- is the latest ingest date's version, recomputed from here (order-independent, re-runnable).
CREATE TABLE IF NOT EXISTS silver.marketing_spend_versions (
    {columns:spend_version}
)
USING iceberg
PARTITIONED BY (ingest_date)
