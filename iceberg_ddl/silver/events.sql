-- One row per event_id: the winning version of every valid event record received, over all
-- ingest dates (winner = greatest (schema_version, ingest_date, event_ts, amount, currency,
-- user_id, event_type), nulls lowest). Derived from silver.event_versions; see docs/subscriptions.md.
CREATE TABLE IF NOT EXISTS silver.events (
    {columns:event_version},
    duplicate_count     BIGINT         COMMENT 'exact-duplicate copies received beyond the kept ones, over all days'
)
USING iceberg
PARTITIONED BY (months(event_date))
TBLPROPERTIES (
    -- a day's MERGE keeps its source's partitioning (one file per task, not one per month)
    'write.merge.distribution-mode' = 'none'
)
