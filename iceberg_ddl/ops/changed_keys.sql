-- Keys touched by the valid records of one (domain, ingest_date): for every record key of the day,
-- the keys of every known version of it. Gold recomputes these keys; re-runs rewrite the slice.
CREATE TABLE IF NOT EXISTS ops.changed_keys (
    domain       STRING,
    ingest_date  DATE,
    key_type     STRING   COMMENT 'event_date, user_id, month (YYYY-MM-01), channel or spend_date',
    key_value    STRING
)
USING iceberg
PARTITIONED BY (domain, ingest_date)
