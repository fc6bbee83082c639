-- Weekly signup cohorts: share of a cohort active in each week since its signup week,
-- week_number 0 .. the week of as_of.
-- Written by spark_jobs/subscriptions/gold.py (model: sql/gold/subscriptions/weekly_cohort_retention.sql) to the
-- `audit` branch and published to main by quality.publish once the Soda scan passes.
CREATE TABLE IF NOT EXISTS gold.weekly_cohort_retention (
    cohort_week     DATE    COMMENT 'Monday of the week of the first signup of its users',
    week_number     INT     COMMENT 'weeks since cohort_week',
    cohort_size     BIGINT  COMMENT 'users in the cohort',
    active_users    BIGINT  COMMENT 'cohort users with a valid event in that week',
    retention_rate  DOUBLE  COMMENT 'active_users / cohort_size, unrounded'
)
USING iceberg
