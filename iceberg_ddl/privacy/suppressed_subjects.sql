-- Erased subjects whose records bronze drops before they land: a re-delivered file, a
-- re-run of an old day or a late message cannot bring them back. Salted hashes only.
CREATE TABLE IF NOT EXISTS privacy.suppressed_subjects (
    id_kind         STRING    COMMENT 'user_id or customer_id',
    subject_hash    STRING    COMMENT 'salted SHA-256 of the identifier (spark_jobs/privacy/keys.py)',
    request_id      STRING    COMMENT 'the erasure request that added it',
    suppressed_at   TIMESTAMP
)
USING iceberg
