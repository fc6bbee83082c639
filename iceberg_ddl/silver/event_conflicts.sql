-- Every losing version of an event: one row per (event_id, payload_hash, ingest_date) whose
-- normalised payload differs from the winner's in silver.events. A version received on several
-- days has one row per ingest date. Copies of the winner's payload are exact duplicates, not here.
CREATE TABLE IF NOT EXISTS silver.event_conflicts (
    {columns:event_version},
    copies              BIGINT         COMMENT 'copies of this version received on its ingest date'
)
USING iceberg
PARTITIONED BY (ingest_date)
