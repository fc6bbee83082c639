-- Net revenue by purchase date, USD: a refund is booked on the date of the purchase it refers
-- to, whenever it happened; a purchase's refunds are summed and capped at its amount. Refunds
-- of unknown purchases (absent, quarantined, or not a purchase) are orphans: excluded here and
-- counted in ops.dq_metrics. One row per date from the first purchase date to :as_of, zero-filled.
with purchases as (
    select event_id, event_date, amount_usd
    from silver.events
    where event_type = 'purchase'
),

refunds as (
    select refers_to_event_id as purchase_id, amount_usd
    from silver.events
    where event_type = 'refund'
),

refunded as (
    select purchase_id, sum(amount_usd) as refunded_usd
    from refunds
    group by purchase_id
),

booked as (
    select p.event_date,
           p.amount_usd,
           least(coalesce(r.refunded_usd, 0), p.amount_usd) as refund_usd
    from purchases p
    left join refunded r on r.purchase_id = p.event_id
),

dates as (
    select explode(sequence(first_date, :as_of, interval 1 day)) as event_date
    from (select min(event_date) as first_date from purchases)
    where first_date <= :as_of
),

daily as (
    select event_date, sum(amount_usd) as gross_revenue_usd, sum(refund_usd) as refunds_usd
    from booked
    group by event_date
)

select d.event_date,
       cast(coalesce(b.gross_revenue_usd, 0) as decimal(18, 2))                       as gross_revenue_usd,
       cast(coalesce(b.refunds_usd, 0) as decimal(18, 2))                             as refunds_usd,
       cast(coalesce(b.gross_revenue_usd, 0) - coalesce(b.refunds_usd, 0) as decimal(18, 2)) as net_revenue_usd
from dates d
left join daily b on b.event_date = d.event_date
