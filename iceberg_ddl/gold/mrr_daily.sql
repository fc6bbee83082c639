-- Monthly recurring revenue per day, USD: one active subscription per user (latest start_date,
-- then highest price_usd, then greatest subscription_id); earliest start_date to as_of, zero-filled.
-- Written by spark_jobs/subscriptions/gold.py (model: sql/gold/subscriptions/mrr_daily.sql) to the
-- `audit` branch and published to main by quality.publish once the Soda scan passes.
CREATE TABLE IF NOT EXISTS gold.mrr_daily (
    date                  DATE           COMMENT 'the day',
    mrr_usd               DECIMAL(18,2)  COMMENT 'sum of price_usd of the counted subscriptions',
    active_subscriptions  BIGINT         COMMENT 'subscriptions counted (at most one per user)'
)
USING iceberg
