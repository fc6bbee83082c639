-- Which customers' actions an ingest date added, changed or removed, and the earliest
-- action date touched (old and new versions of the slice alike). The history stage
-- recomputes those customers' state from that date forward, nobody else.
CREATE TABLE IF NOT EXISTS silver.recsys_action_changes (
    ingest_date    DATE,
    customer_id    BIGINT,
    from_date      DATE      COMMENT 'earliest action_date of the customer in the ingest slice (before or after the run)'
)
USING iceberg
PARTITIONED BY (ingest_date)
