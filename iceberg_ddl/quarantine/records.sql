-- Every bronze record silver rejected, with the raw text and the first rule it broke.
-- One row per bronze record (key: domain, source, ingest_date, source_file,
-- record_number); re-running a day after a fix removes rows that now parse.
CREATE TABLE IF NOT EXISTS quarantine.records (
    domain         STRING,
    source         STRING,
    ingest_date    DATE,
    source_file    STRING,
    record_number  INT,
    raw            STRING    COMMENT 'the bronze record text, unchanged',
    reason         STRING    COMMENT 'first quarantine rule that applies, e.g. invalid_timestamp',
    quarantined_at TIMESTAMP
)
USING iceberg
PARTITIONED BY (domain, source, ingest_date)
