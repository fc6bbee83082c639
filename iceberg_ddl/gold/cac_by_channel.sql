-- Customer acquisition cost per channel over all time, USD: spend / converted users.
-- Written by spark_jobs/subscriptions/gold.py (model: sql/gold/subscriptions/cac_by_channel.sql) to the
-- `audit` branch and published to main by quality.publish once the Soda scan passes.
CREATE TABLE IF NOT EXISTS gold.cac_by_channel (
    channel      STRING         COMMENT 'acquisition channel of the first signup of the user (unknown without one)',
    spend_usd    DECIMAL(18,2)  COMMENT 'all valid spend of the channel',
    conversions  BIGINT         COMMENT 'users with at least one trial_convert or purchase',
    cac_usd      DECIMAL(18,2)  COMMENT 'round(spend_usd / conversions, 2); null without conversions'
)
USING iceberg
