-- One row per (spend_date, channel): the latest ingest date's last valid row (files by name,
-- then line) wins, so a restatement replaces the earlier figure.
CREATE TABLE IF NOT EXISTS silver.marketing_spend (
    {columns:spend_version}
)
USING iceberg
