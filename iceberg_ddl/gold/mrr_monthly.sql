-- MRR per month: mrr_daily on the last day of the month (on as_of for the current month).
-- Written by spark_jobs/subscriptions/gold.py (model: sql/gold/subscriptions/mrr_monthly.sql) to the
-- `audit` branch and published to main by quality.publish once the Soda scan passes.
CREATE TABLE IF NOT EXISTS gold.mrr_monthly (
    month    DATE           COMMENT 'first day of the month',
    mrr_usd  DECIMAL(18,2)  COMMENT 'mrr_daily.mrr_usd on the last day of the month'
)
USING iceberg
