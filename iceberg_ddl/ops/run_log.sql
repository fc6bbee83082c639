-- One row per (domain, stage, source, ingest_date): the latest run's record counts, so
-- a reader can reconcile what was read from landing with what the table holds.
-- Earlier runs stay visible through the table's Iceberg snapshots.
CREATE TABLE IF NOT EXISTS ops.run_log (
    domain          STRING,
    stage           STRING    COMMENT 'bronze, silver, gold, ...',
    source          STRING,
    ingest_date     DATE,
    run_id          STRING    COMMENT 'Spark application id of the run',
    files           INT       COMMENT 'data files found in the landing folder (0 = nothing arrived)',
    records_read    BIGINT    COMMENT 'records read from landing',
    rows_in_table   BIGINT    COMMENT 'rows for this ingest_date in the target table after the run',
    reconciled      BOOLEAN   COMMENT 'records_read = rows_in_table + records_suppressed',
    started_at      TIMESTAMP,
    finished_at     TIMESTAMP,
    records_suppressed BIGINT COMMENT 'records of erased subjects dropped before bronze (privacy.suppressed_subjects)'
)
USING iceberg
PARTITIONED BY (domain)
