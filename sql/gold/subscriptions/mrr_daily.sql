-- Monthly recurring revenue on each date, USD. A subscription is active on d when
-- start_date <= d < end_date (no end_date: still running). A user counts once: their active
-- subscription with the latest start_date, then the highest price_usd, then the greatest
-- subscription_id. mrr_usd sums the counted monthly prices; active_subscriptions counts them.
-- One row per date from the earliest start_date to :as_of, zero-filled.
with subscriptions as (
    select subscription_id, user_id, price_usd, start_date, end_date
    from silver.subscriptions
),

dates as (
    select explode(sequence(first_date, :as_of, interval 1 day)) as date
    from (select min(start_date) as first_date from subscriptions)
    where first_date <= :as_of
),

active_days as (
    select explode(sequence(start_date, least(coalesce(date_sub(end_date, 1), :as_of), :as_of),
                            interval 1 day)) as date,
           user_id, subscription_id, price_usd, start_date
    from subscriptions
    where start_date <= :as_of
      and (end_date is null or end_date > start_date)
),

counted as (
    select date, price_usd,
           row_number() over (partition by user_id, date
                              order by start_date desc, price_usd desc, subscription_id desc) as pick
    from active_days
),

daily as (
    select date, sum(price_usd) as mrr_usd, count(*) as active_subscriptions
    from counted
    where pick = 1
    group by date
)

select d.date,
       cast(coalesce(m.mrr_usd, 0) as decimal(18, 2)) as mrr_usd,
       coalesce(m.active_subscriptions, 0)             as active_subscriptions
from dates d
left join daily m on m.date = d.date
