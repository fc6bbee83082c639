-- Lifetime value per user, USD: purchases minus capped refunds of those purchases; users with a
-- signup or a purchase.
-- Written by spark_jobs/subscriptions/gold.py (model: sql/gold/subscriptions/ltv_per_user.sql) to the
-- `audit` branch and published to main by quality.publish once the Soda scan passes.
CREATE TABLE IF NOT EXISTS gold.ltv_per_user (
    user_id              STRING         COMMENT 'the user',
    acquisition_channel  STRING         COMMENT 'channel of the first signup (unknown without one)',
    signup_date          DATE           COMMENT 'UTC date of the first signup; null without one',
    purchase_count       BIGINT         COMMENT 'purchases of the user',
    gross_revenue_usd    DECIMAL(18,2)  COMMENT 'sum of the purchases of the user',
    refunds_usd          DECIMAL(18,2)  COMMENT 'refunds of the purchases of the user, each purchase capped at its amount',
    ltv_usd              DECIMAL(18,2)  COMMENT 'gross_revenue_usd - refunds_usd'
)
USING iceberg
