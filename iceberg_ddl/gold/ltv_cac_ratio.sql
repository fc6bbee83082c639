-- LTV to CAC per channel: mean LTV of the converted users over its CAC.
-- Written by spark_jobs/subscriptions/gold.py (model: sql/gold/subscriptions/ltv_cac_ratio.sql) to the
-- `audit` branch and published to main by quality.publish once the Soda scan passes.
CREATE TABLE IF NOT EXISTS gold.ltv_cac_ratio (
    channel          STRING         COMMENT 'a cac_by_channel channel',
    converted_users  BIGINT         COMMENT 'users with a trial_convert or purchase',
    avg_ltv_usd      DECIMAL(18,2)  COMMENT 'round(mean ltv_usd, 2); a converted user without LTV row counts 0',
    cac_usd          DECIMAL(18,2)  COMMENT 'cac_by_channel.cac_usd',
    ltv_cac_ratio    DOUBLE         COMMENT 'avg_ltv_usd / cac_usd (stored, rounded columns); null when CAC is null or 0'
)
USING iceberg
