-- MRR per month: the MRR of the month's last day, or of as_of for the current month. Built
-- from gold.mrr_daily (which ends at as_of), so the last date present in a month is the one.
with mrr_daily as (
    select date, mrr_usd
    from gold.mrr_daily
),

month_ends as (
    select trunc(date, 'MM') as month, max(date) as last_date
    from mrr_daily
    group by trunc(date, 'MM')
)

select e.month,
       d.mrr_usd
from month_ends e
join mrr_daily d on d.date = e.last_date
