-- The columns of a valid, normalised subscription record (silver.subscriptions and its versions).
    subscription_id  STRING NOT NULL,
    user_id          STRING,
    plan_id          STRING,
    price            DECIMAL(18,2)  COMMENT 'monthly price in the original currency, rounded half-up to cents',
    currency         STRING         COMMENT 'upper-case, missing = USD',
    price_usd        DECIMAL(18,2)  COMMENT 'round half-up(price as received * fx rate, 2)',
    start_date       DATE,
    end_date         DATE           COMMENT 'null = open-ended',
    status           STRING         COMMENT 'active | canceled',
    created_at       TIMESTAMP      COMMENT 'UTC',
    ingest_date      DATE,
    source_file      STRING,
    record_number    INT
