-- One row per erasure request: what its latest run removed and what the verifier found.
-- A request is complete when verified = true (objects scanned, 0 occurrences).
CREATE TABLE IF NOT EXISTS privacy.erasure_log (
    request_id          STRING,
    started_at          TIMESTAMP,
    finished_at         TIMESTAMP,
    domains             ARRAY<STRING>       COMMENT 'domains whose tables and landing were searched',
    rows_removed        MAP<STRING, BIGINT> COMMENT 'table -> rows of the subject deleted (before recomputation)',
    landing_files_rewritten INT             COMMENT 'landing files rewritten without the records of the subject',
    landing_files_removed   INT             COMMENT 'landing files that held nothing else, removed',
    landing_records_removed BIGINT,
    days_recomputed     INT                 COMMENT 'ingest dates re-run so aggregates equal a run without the subject',
    data_files_rewritten INT                COMMENT 'data files rewritten so no file holds the subject',
    snapshots_expired   INT,
    orphan_files_removed INT,
    objects_scanned     BIGINT              COMMENT 'verifier: objects read (landing files, data, delete, manifest, manifest-list and metadata files)',
    occurrences_found   BIGINT              COMMENT 'verifier: occurrences of the identifier in those objects (must be 0)',
    verified            BOOLEAN             COMMENT 'occurrences_found = 0'
)
USING iceberg
