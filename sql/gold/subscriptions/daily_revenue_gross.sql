-- Gross revenue: what was bought on each UTC date, in USD (each purchase rounded to cents
-- when converted, then summed), and how many purchases. One row per date from the first
-- purchase date to :as_of, zero-filled. Refunds are not subtracted here (see daily_revenue_net).
with purchases as (
    select event_date, amount_usd
    from silver.events
    where event_type = 'purchase'
),

dates as (
    select explode(sequence(first_date, :as_of, interval 1 day)) as event_date
    from (select min(event_date) as first_date from purchases)
    where first_date <= :as_of
),

daily as (
    select event_date, sum(amount_usd) as gross_revenue_usd, count(*) as purchase_count
    from purchases
    group by event_date
)

select d.event_date,
       cast(coalesce(p.gross_revenue_usd, 0) as decimal(18, 2)) as gross_revenue_usd,
       coalesce(p.purchase_count, 0)                             as purchase_count
from dates d
left join daily p on p.event_date = d.event_date
