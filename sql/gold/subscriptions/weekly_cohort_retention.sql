-- Weekly retention: users are grouped by the Monday of the week of their first signup
-- (earliest timestamp, then smallest event_id; users without a signup have no cohort). A user
-- is active in week n when they have any valid event in [cohort_week + 7n, cohort_week + 7n + 7).
-- One row per cohort and week n = 0 .. the week of :as_of; retention_rate = active / size.
with events as (
    select event_id, user_id, event_type, event_ts, event_date
    from silver.events
),

signups as (
    select user_id, event_date,
           row_number() over (partition by user_id order by event_ts, event_id) as signup_rank
    from events
    where event_type = 'signup'
),

cohort_users as (
    select user_id, trunc(event_date, 'week') as cohort_week
    from signups
    where signup_rank = 1
),

cohort_weeks as (
    select cohort_week, count(*) as cohort_size,
           explode(sequence(0, cast(datediff(trunc(:as_of, 'week'), cohort_week) div 7 as int))) as week_number
    from cohort_users
    where cohort_week <= :as_of
    group by cohort_week
),

activity as (
    select distinct c.cohort_week, c.user_id,
           cast(datediff(e.event_date, c.cohort_week) div 7 as int) as week_number
    from cohort_users c
    join events e on e.user_id = c.user_id and e.event_date >= c.cohort_week
),

active as (
    select cohort_week, week_number, count(*) as active_users
    from activity
    group by cohort_week, week_number
)

select w.cohort_week,
       w.week_number,
       w.cohort_size,
       coalesce(a.active_users, 0)                                   as active_users,
       cast(coalesce(a.active_users, 0) as double) / w.cohort_size   as retention_rate
from cohort_weeks w
left join active a on a.cohort_week = w.cohort_week and a.week_number = w.week_number
