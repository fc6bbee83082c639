-- Lifetime value per user, USD: what the user bought minus what was refunded of those
-- purchases (a refund belongs to the user of the purchase it refers to, whoever sent it; a
-- purchase's refunds are capped at its amount). Users with a signup or a purchase; channel and
-- signup_date come from the first signup ('unknown' / null without one). Records dated after
-- as_of count.
with events as (
    select event_id, user_id, event_type, event_ts, event_date, amount_usd, refers_to_event_id,
           acquisition_channel
    from silver.events
),

signups as (
    select user_id, event_date, acquisition_channel,
           row_number() over (partition by user_id order by event_ts, event_id) as signup_rank
    from events
    where event_type = 'signup'
),

purchases as (
    select event_id, user_id, amount_usd
    from events
    where event_type = 'purchase'
),

refunded as (
    select refers_to_event_id as purchase_id, sum(amount_usd) as refunded_usd
    from events
    where event_type = 'refund'
    group by refers_to_event_id
),

per_user as (
    select p.user_id,
           count(*)                                                 as purchase_count,
           sum(p.amount_usd)                                        as gross_revenue_usd,
           sum(least(coalesce(r.refunded_usd, 0), p.amount_usd))    as refunds_usd
    from purchases p
    left join refunded r on r.purchase_id = p.event_id
    group by p.user_id
),

users as (
    select user_id from signups where signup_rank = 1
    union
    select user_id from per_user
)

select u.user_id,
       coalesce(s.acquisition_channel, 'unknown')                               as acquisition_channel,
       s.event_date                                                             as signup_date,
       coalesce(p.purchase_count, 0)                                            as purchase_count,
       cast(coalesce(p.gross_revenue_usd, 0) as decimal(18, 2))                 as gross_revenue_usd,
       cast(coalesce(p.refunds_usd, 0) as decimal(18, 2))                       as refunds_usd,
       cast(coalesce(p.gross_revenue_usd, 0) - coalesce(p.refunds_usd, 0) as decimal(18, 2)) as ltv_usd
from users u
left join signups s on s.user_id = u.user_id and s.signup_rank = 1
left join per_user p on p.user_id = u.user_id
