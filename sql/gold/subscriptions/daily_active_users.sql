-- Daily active users: how many distinct users did anything (any valid, deduplicated event of
-- any type) on each UTC date. One row per date from the first event date to :as_of; a date
-- without events has dau 0. Events dated after :as_of wait until as_of reaches them.
with events as (
    select user_id, event_date
    from silver.events
),

dates as (
    select explode(sequence(first_date, :as_of, interval 1 day)) as event_date
    from (select min(event_date) as first_date from events)
    where first_date <= :as_of
),

active as (
    select event_date, count(distinct user_id) as dau
    from events
    group by event_date
)

select d.event_date,
       coalesce(a.dau, 0) as dau
from dates d
left join active a on a.event_date = d.event_date
