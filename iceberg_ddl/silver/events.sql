-- One row per event_id: the winning version of every valid event record received, over all
-- ingest dates (winner = greatest (schema_version, ingest_date, event_ts, amount, currency,
-- user_id, event_type), nulls lowest). Derived from silver.event_versions; see docs/subscriptions.md.
CREATE TABLE IF NOT EXISTS silver.events (
    event_id            STRING NOT NULL,
    user_id             STRING,
    event_type          STRING         COMMENT 'lower-case, one of the 8 event types',
    event_ts            TIMESTAMP      COMMENT 'UTC instant of the event',
    event_date          DATE           COMMENT 'UTC date of event_ts',
    schema_version      INT            COMMENT '1 or 2',
    amount              DECIMAL(18,2)  COMMENT 'purchase/refund only, original currency, rounded half-up to cents',
    currency            STRING         COMMENT 'purchase/refund only, upper-case, missing = USD',
    amount_usd          DECIMAL(18,2)  COMMENT 'round half-up(amount * fx rate, 2)',
    tax                 DECIMAL(18,2)  COMMENT 'purchase/refund only; not revenue',
    refers_to_event_id  STRING         COMMENT 'refund only: the purchase it refunds',
    acquisition_channel STRING         COMMENT 'signup only: lower-case, missing = unknown',
    payload_hash        STRING         COMMENT 'sha256 of the normalised payload (exact-duplicate identity)',
    ingest_date         DATE           COMMENT 'ingest date of this copy',
    source_file         STRING         COMMENT 'first copy of this version on its ingest date',
    record_number       INT,
    duplicate_count     BIGINT         COMMENT 'exact-duplicate copies received beyond the kept ones, over all days'
)
USING iceberg
PARTITIONED BY (months(event_date))
TBLPROPERTIES (
    -- a day's MERGE keeps its source's partitioning (one file per task, not one per month)
    'write.merge.distribution-mode' = 'none'
)
