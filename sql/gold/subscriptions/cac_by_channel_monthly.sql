-- Customer acquisition cost per channel and month, USD: spend by the month it was spent,
-- conversions by the month of the user's first paid event (trial_convert or purchase; earliest
-- timestamp, then smallest event_id), channel as in cac_by_channel. The full grid of the
-- channels with spend or a conversion x every month from the first month with spend or a
-- conversion to :as_of's month, zero-filled; cac is null in a month without conversions.
with events as (
    select event_id, user_id, event_type, event_ts, event_date, acquisition_channel
    from silver.events
),

spend_months as (
    select trunc(spend_date, 'MM') as month, channel, sum(spend_usd) as spend_usd
    from silver.marketing_spend
    group by trunc(spend_date, 'MM'), channel
),

signups as (
    select user_id, acquisition_channel,
           row_number() over (partition by user_id order by event_ts, event_id) as signup_rank
    from events
    where event_type = 'signup'
),

user_channels as (
    select user_id, acquisition_channel as channel
    from signups
    where signup_rank = 1
),

paid as (
    select user_id, event_date,
           row_number() over (partition by user_id order by event_ts, event_id) as paid_rank
    from events
    where event_type in ('trial_convert', 'purchase')
),

conversion_months as (
    select trunc(p.event_date, 'MM') as month, coalesce(u.channel, 'unknown') as channel,
           count(*) as conversions
    from paid p
    left join user_channels u on u.user_id = p.user_id
    where p.paid_rank = 1
    group by trunc(p.event_date, 'MM'), coalesce(u.channel, 'unknown')
),

channels as (
    select channel from spend_months
    union
    select channel from conversion_months
),

months as (
    select explode(sequence(first_month, trunc(:as_of, 'MM'), interval 1 month)) as month
    from (select min(month) as first_month
          from (select month from spend_months union all select month from conversion_months))
    where first_month <= :as_of
),

grid as (
    select m.month, c.channel,
           coalesce(s.spend_usd, 0)      as spend_usd,
           coalesce(v.conversions, 0)    as conversions
    from months m
    cross join channels c
    left join spend_months s on s.month = m.month and s.channel = c.channel
    left join conversion_months v on v.month = m.month and v.channel = c.channel
)

select month,
       channel,
       cast(spend_usd as decimal(18, 2))                                                  as spend_usd,
       conversions,
       cast(case when conversions > 0 then round(spend_usd / conversions, 2) end as decimal(18, 2)) as cac_usd
from grid
