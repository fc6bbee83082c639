-- The register of erasure requests (GDPR Art. 17), one row per request. The identifier is
-- kept only encrypted (Fernet, key in SHOPLAKE_PRIVACY_KEY or .local/privacy.env), so no
-- object of the lake holds it in clear and `shoplake privacy verify` can still scan for it.
CREATE TABLE IF NOT EXISTS privacy.erasure_requests (
    request_id      STRING    COMMENT 'the request id the data subject or the DPO gave',
    id_kind         STRING    COMMENT 'user_id (subscriptions, clickstream) or customer_id (recsys)',
    subject_token   STRING    COMMENT 'the identifier, encrypted with the privacy key of the lake',
    subject_hash    STRING    COMMENT 'salted HMAC-SHA256 of id_kind and identifier (privacy.suppressed_subjects)',
    requested_at    TIMESTAMP COMMENT 'when the request was registered'
)
USING iceberg
