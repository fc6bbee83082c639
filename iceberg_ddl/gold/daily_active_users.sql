-- Daily active users: distinct users with any valid, deduplicated event on the date (UTC),
-- every date from the first valid event to as_of (zero-filled).
-- Written by spark_jobs/subscriptions/gold.py (model: sql/gold/subscriptions/daily_active_users.sql) to the
-- `audit` branch and published to main by quality.publish once the Soda scan passes.
CREATE TABLE IF NOT EXISTS gold.daily_active_users (
    event_date  DATE    COMMENT 'UTC date of the events',
    dau         BIGINT  COMMENT 'distinct user_id with an event that day'
)
USING iceberg
