-- Receipts: every distinct valid event version per ingest date, one row per (event_id,
-- payload_hash, ingest_date) with how many copies arrived. silver.events, event_conflicts and the
-- duplicate counts are recomputed from these rows, so the result does not depend on the order
-- in which ingest dates are run, and re-running a day replaces its own slice only.
CREATE TABLE IF NOT EXISTS silver.event_versions (
    {columns:event_version},
    copies              BIGINT         COMMENT 'copies of this version received on its ingest date'
)
USING iceberg
PARTITIONED BY (ingest_date)
