-- Receipts: the last valid row of each (spend_date, channel) per ingest date; silver.marketing_spend
-- is the latest ingest date's version, recomputed from here (order-independent, re-runnable).
CREATE TABLE IF NOT EXISTS silver.marketing_spend_versions (
    spend_date     DATE NOT NULL,
    channel        STRING NOT NULL  COMMENT 'lower-case, missing = unknown',
    spend_usd      DECIMAL(18,2)    COMMENT 'rounded half-up to cents',
    ingest_date    DATE,
    source_file    STRING,
    record_number  INT
)
USING iceberg
PARTITIONED BY (ingest_date)
