-- The bronze table of every declared landing source (spark_jobs/domain.py: Source), one per
-- `bronze.<domain>_<source>`: each landing record exactly as it arrived, one row per record
-- (see docs/architecture.md, "Bronze"). Parsing is silver's job. {table} is filled in per source.
CREATE TABLE IF NOT EXISTS {table} (
    ingest_date    DATE      COMMENT 'day the file arrived (landing folder ingest_date=)',
    source_file    STRING    COMMENT 'file name inside the landing folder',
    record_number  INT       COMMENT '1-based line / array element / row in the file; 0 = whole unparseable file',
    raw            STRING    COMMENT 'the record text, unchanged',
    header         STRING    COMMENT 'CSV header line of the file (CSV sources only; null = the file lacks the expected header)',
    content_hash   STRING    COMMENT 'sha256 of raw',
    loaded_at      TIMESTAMP COMMENT 'when this version of the record was first loaded',
    problem        STRING    COMMENT 'why landing could not take this record as it is (oversize_record, or record 0: an unreadable file); null = none'
)
USING iceberg
PARTITIONED BY (ingest_date)
