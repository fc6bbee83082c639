"""MRR: one subscription per user and day, end dates exclusive, month-end values."""
from datetime import date
from decimal import Decimal

from gold_support import by, compute, materialise, silver, subscription, one_shuffle_partition  # noqa: F401 (autouse fixture)

D = date.fromisoformat


def test_mrr_counts_one_subscription_per_user_latest_start_then_price_then_id(spark):
    silver(spark, subscriptions=[
        subscription("a", "u1", 10, "2026-01-01"), subscription("b", "u1", 30, "2026-01-02"),
        subscription("c", "u2", 20, "2026-01-01"), subscription("d", "u2", 25, "2026-01-01"),
        subscription("e", "u3", 5, "2026-01-01"), subscription("f", "u3", 5, "2026-01-01")])
    day2 = by(compute(spark, "mrr_daily", "2026-01-02"), "date")[D("2026-01-02")]
    assert (day2["mrr_usd"], day2["active_subscriptions"]) == (Decimal("60.00"), 3)


def test_a_subscription_is_not_active_on_its_end_date(spark):
    silver(spark, subscriptions=[subscription("a", "u1", 10, "2026-01-01", end="2026-01-03")])
    rows = compute(spark, "mrr_daily", "2026-01-04")
    assert [(r["date"], r["mrr_usd"]) for r in rows] == [
        (D("2026-01-01"), Decimal("10.00")), (D("2026-01-02"), Decimal("10.00")),
        (D("2026-01-03"), Decimal("0.00")), (D("2026-01-04"), Decimal("0.00"))]


def test_monthly_mrr_is_the_last_day_of_the_month_or_as_of(spark):
    silver(spark, subscriptions=[subscription("a", "u1", 10, "2026-01-10", end="2026-01-31"),
                                 subscription("b", "u2", 7, "2026-01-20")])
    materialise(spark, "mrr_daily", "2026-02-05")
    rows = compute(spark, "mrr_monthly", "2026-02-05")
    assert [(r["month"], r["mrr_usd"]) for r in rows] == [
        (D("2026-01-01"), Decimal("7.00")), (D("2026-02-01"), Decimal("7.00"))]
