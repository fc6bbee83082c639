-- Raw clicks records (NDJSON lines or Parquet rows as JSON) of the recsys domain exactly as they arrived, one row per
-- landing record (see docs/architecture.md, "Bronze"). Parsing is silver's job.
CREATE TABLE IF NOT EXISTS bronze.recsys_clicks (
    ingest_date    DATE      COMMENT 'day the file arrived (landing folder ingest_date=)',
    source_file    STRING    COMMENT 'file name inside the landing folder',
    record_number  INT       COMMENT '1-based line / array element / row in the file; 0 = whole unparseable file',
    raw            STRING    COMMENT 'the record text, unchanged',
    header         STRING    COMMENT 'CSV header line of the file (CSV sources only)',
    content_hash   STRING    COMMENT 'sha256 of raw',
    loaded_at      TIMESTAMP COMMENT 'when this version of the record was first loaded'
)
USING iceberg
PARTITIONED BY (ingest_date)
