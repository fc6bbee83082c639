-- Gross revenue by purchase date, USD, from the first purchase date to as_of (zero-filled).
-- Written by spark_jobs/subscriptions/gold.py (model: sql/gold/subscriptions/daily_revenue_gross.sql) to the
-- `audit` branch and published to main by quality.publish once the Soda scan passes.
CREATE TABLE IF NOT EXISTS gold.daily_revenue_gross (
    event_date         DATE           COMMENT 'UTC date of the purchases',
    gross_revenue_usd  DECIMAL(18,2)  COMMENT 'sum of purchase amount_usd',
    purchase_count     BIGINT         COMMENT 'purchases that day'
)
USING iceberg
