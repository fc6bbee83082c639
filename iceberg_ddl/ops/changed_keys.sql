-- Keys touched by the valid records of one (domain, ingest_date): for every record key of the day,
-- the keys of every known version of it (and of the versions it no longer has). Gold recomputes these keys;
-- a slice only grows, so a key handed over survives a killed run.
CREATE TABLE IF NOT EXISTS ops.changed_keys (
    domain       STRING,
    ingest_date  DATE,
    key_type     STRING   COMMENT 'event_date, user_id, month (YYYY-MM-01), channel, spend_date or cohort_week (Monday of a signup)',
    key_value    STRING
)
USING iceberg
PARTITIONED BY (domain, ingest_date)
