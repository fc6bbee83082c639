-- Net revenue by purchase date, USD: refunds booked on the date of the purchase they refer to,
-- capped at the purchase amount; orphan refunds excluded. First purchase date to as_of, zero-filled.
-- Written by spark_jobs/subscriptions/gold.py (model: sql/gold/subscriptions/daily_revenue_net.sql) to the
-- `audit` branch and published to main by quality.publish once the Soda scan passes.
CREATE TABLE IF NOT EXISTS gold.daily_revenue_net (
    event_date         DATE           COMMENT 'UTC date of the purchases',
    gross_revenue_usd  DECIMAL(18,2)  COMMENT 'sum of purchase amount_usd',
    refunds_usd        DECIMAL(18,2)  COMMENT 'refunds of these purchases, each purchase capped at its amount',
    net_revenue_usd    DECIMAL(18,2)  COMMENT 'gross_revenue_usd - refunds_usd'
)
USING iceberg
