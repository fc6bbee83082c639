-- Customer acquisition cost per channel, all time, USD. A user's channel is the
-- acquisition_channel of their first signup (earliest timestamp, then smallest event_id;
-- 'unknown' without a signup). A conversion is a user with at least one trial_convert or
-- purchase. cac = round(spend / conversions, 2), null without conversions. One row per channel
-- with spend or a conversion; records dated after as_of count too.
with events as (
    select event_id, user_id, event_type, event_ts, acquisition_channel
    from silver.events
),

spend as (
    select channel, sum(spend_usd) as spend_usd
    from silver.marketing_spend
    group by channel
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

converted as (
    select distinct user_id
    from events
    where event_type in ('trial_convert', 'purchase')
),

conversions as (
    select coalesce(u.channel, 'unknown') as channel, count(*) as conversions
    from converted c
    left join user_channels u on u.user_id = c.user_id
    group by coalesce(u.channel, 'unknown')
),

channels as (
    select coalesce(s.channel, c.channel)   as channel,
           coalesce(s.spend_usd, 0)          as spend_usd,
           coalesce(c.conversions, 0)        as conversions
    from spend s
    full join conversions c on c.channel = s.channel
)

select channel,
       cast(spend_usd as decimal(18, 2))                                                  as spend_usd,
       conversions,
       cast(case when conversions > 0 then round(spend_usd / conversions, 2) end as decimal(18, 2)) as cac_usd
from channels
