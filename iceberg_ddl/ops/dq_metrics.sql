-- Data-quality figures per (domain, ingest_date): rows read, quarantined by reason, duplicate and
-- conflict figures, late-event rate, orphan refunds, spend gaps and the reconciliation counts
-- (bronze_rows = silver_rows + duplicates + conflicts + quarantined, per source). Latest run wins.
CREATE TABLE IF NOT EXISTS ops.dq_metrics (
    domain       STRING,
    ingest_date  DATE,
    metric       STRING,
    dimension    STRING   COMMENT 'source, source:reason, channel or all',
    value        DOUBLE,
    run_id       STRING   COMMENT 'Spark application id of the run',
    computed_at  TIMESTAMP
)
USING iceberg
PARTITIONED BY (domain)
