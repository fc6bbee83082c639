-- One row per (spend_date, channel): the latest ingest date's last valid row (files by name,
-- then line) wins, so a restatement replaces the earlier figure.
CREATE TABLE IF NOT EXISTS silver.marketing_spend (
    spend_date     DATE NOT NULL,
    channel        STRING NOT NULL  COMMENT 'lower-case, missing = unknown',
    spend_usd      DECIMAL(18,2)    COMMENT 'rounded half-up to cents',
    ingest_date    DATE,
    source_file    STRING,
    record_number  INT
)
USING iceberg
