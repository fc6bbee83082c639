-- LTV to CAC per channel: the mean lifetime value of the channel's converted users (a user
-- with a trial_convert or purchase; one without an ltv_per_user row counts 0), rounded to
-- cents, over the channel's CAC. The ratio divides the stored, rounded columns and is null
-- when CAC is null or 0. One row per gold.cac_by_channel channel.
with cac as (
    select channel, cac_usd
    from gold.cac_by_channel
),

ltv as (
    select user_id, acquisition_channel, ltv_usd
    from gold.ltv_per_user
),

converted as (
    select distinct user_id
    from silver.events
    where event_type in ('trial_convert', 'purchase')
),

converted_ltv as (
    -- a user without an ltv_per_user row has no signup, so their channel is 'unknown'
    select coalesce(l.acquisition_channel, 'unknown') as channel,
           coalesce(l.ltv_usd, 0)                     as ltv_usd
    from converted c
    left join ltv l on l.user_id = c.user_id
),

per_channel as (
    select channel, count(*) as converted_users, round(avg(ltv_usd), 2) as avg_ltv_usd
    from converted_ltv
    group by channel
)

select c.channel,
       coalesce(p.converted_users, 0)               as converted_users,
       cast(p.avg_ltv_usd as decimal(18, 2))        as avg_ltv_usd,
       c.cac_usd,
       case when c.cac_usd is null or c.cac_usd = 0 then null
            else cast(p.avg_ltv_usd as double) / cast(c.cac_usd as double) end as ltv_cac_ratio
from cac c
left join per_channel p on p.channel = c.channel
