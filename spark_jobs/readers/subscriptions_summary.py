"""The subscriptions part of the `make demo` summary: published gold, read with PyIceberg.

    python -m spark_jobs.readers.subscriptions_summary

Prints the last days of DAU and net revenue, MRR on as_of and per month, and a small
weekly cohort retention table. Reads ``main`` — what the quality gate published.
"""
from __future__ import annotations

from spark_jobs.catalog import load_catalog
from spark_jobs.config import load_settings


def _rows(catalog, table: str) -> list[dict]:
    return catalog.load_table(table).scan().to_arrow().to_pylist()


def print_daily(catalog, days: int = 7) -> None:
    dau = {r["event_date"]: r["dau"] for r in _rows(catalog, "gold.daily_active_users")}
    net = {r["event_date"]: r for r in _rows(catalog, "gold.daily_revenue_net")}
    print(f"\nDaily active users and revenue (USD), last {days} days up to as_of")
    print(f"  {'date':<12}{'dau':>7}{'gross':>12}{'refunds':>10}{'net':>12}")
    for day in sorted(dau)[-days:]:
        r = net.get(day, {})
        print(f"  {day!s:<12}{dau[day]:>7}{r.get('gross_revenue_usd', 0):>12}{r.get('refunds_usd', 0):>10}"
              f"{r.get('net_revenue_usd', 0):>12}")


def print_mrr(catalog) -> None:
    daily = sorted(_rows(catalog, "gold.mrr_daily"), key=lambda r: r["date"])
    if daily:
        last = daily[-1]
        print(f"\nMRR on {last['date']}: {last['mrr_usd']} USD from {last['active_subscriptions']} subscriptions")
    for r in sorted(_rows(catalog, "gold.mrr_monthly"), key=lambda r: r["month"]):
        print(f"  month {r['month']!s:<12}{r['mrr_usd']:>12}")


def print_cohorts(catalog, cohorts: int = 6, weeks: int = 5) -> None:
    rows = _rows(catalog, "gold.weekly_cohort_retention")
    starts = sorted({r["cohort_week"] for r in rows})[:cohorts]
    rate = {(r["cohort_week"], r["week_number"]): r["retention_rate"] for r in rows}
    size = {r["cohort_week"]: r["cohort_size"] for r in rows}
    print("\nWeekly cohort retention (share of the cohort active in week n)")
    print(f"  {'cohort':<12}{'users':>6}" + "".join(f"{'w' + str(n):>7}" for n in range(weeks)))
    for start in starts:
        cells = "".join(f"{rate[(start, n)]:>7.0%}" if (start, n) in rate else f"{'':>7}" for n in range(weeks))
        print(f"  {start!s:<12}{size[start]:>6}{cells}")


def print_summary(catalog=None) -> None:
    catalog = catalog or load_catalog(load_settings())
    print_daily(catalog)
    print_mrr(catalog)
    print_cohorts(catalog)


if __name__ == "__main__":
    print_summary()
