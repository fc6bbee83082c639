-- The columns of a valid spend row (silver.marketing_spend and its versions).
    spend_date     DATE NOT NULL,
    channel        STRING NOT NULL  COMMENT 'lower-case, missing = unknown',
    spend_usd      DECIMAL(18,2)    COMMENT 'rounded half-up to cents',
    ingest_date    DATE,
    source_file    STRING,
    record_number  INT
