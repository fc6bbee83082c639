-- Customer acquisition cost per channel and month, USD: the full channel x month grid,
-- from the first month with spend or a conversion to as_of's month, zero-filled.
-- Written by spark_jobs/subscriptions/gold.py (model: sql/gold/subscriptions/cac_by_channel_monthly.sql) to the
-- `audit` branch and published to main by quality.publish once the Soda scan passes.
CREATE TABLE IF NOT EXISTS gold.cac_by_channel_monthly (
    month        DATE           COMMENT 'first day of the month',
    channel      STRING         COMMENT 'acquisition channel',
    spend_usd    DECIMAL(18,2)  COMMENT 'spend dated in the month',
    conversions  BIGINT         COMMENT 'users whose first paid event (trial_convert or purchase) is in the month',
    cac_usd      DECIMAL(18,2)  COMMENT 'round(spend_usd / conversions, 2); null without conversions'
)
USING iceberg
