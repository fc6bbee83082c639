-- Receipts: every distinct valid event version per ingest date, one row per (event_id,
-- payload_hash, ingest_date) with how many copies arrived. silver.events, event_conflicts and the
-- duplicate counts are recomputed from these rows, so the result does not depend on the order
-- in which ingest dates are run, and re-running a day replaces its own slice only.
CREATE TABLE IF NOT EXISTS silver.event_versions (
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
    copies              BIGINT         COMMENT 'copies of this version received on its ingest date'
)
USING iceberg
PARTITIONED BY (ingest_date)
