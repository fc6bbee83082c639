"""Revenue models: gross by purchase date, net with refunds booked on their purchase."""
from datetime import date
from decimal import Decimal

from gold_support import by, compute, event, silver, one_shuffle_partition  # noqa: F401 (autouse fixture)

D = date.fromisoformat


def test_refund_before_its_purchase_is_booked_on_the_purchase_date(spark):
    silver(spark, events=[event("p1", "u1", "purchase", "2026-01-02T10:00:00", 20),
                          event("r1", "u1", "refund", "2026-01-01T09:00:00", 5, refers_to="p1")])
    net = by(compute(spark, "daily_revenue_net", "2026-01-03"), "event_date")
    assert net[D("2026-01-02")]["refunds_usd"] == Decimal("5.00")
    assert D("2026-01-01") not in net


def test_refunds_of_one_purchase_are_capped_at_its_amount(spark):
    silver(spark, events=[event("p1", "u1", "purchase", "2026-01-01T10:00:00", 10),
                          event("r1", "u1", "refund", "2026-01-01T11:00:00", 7, refers_to="p1"),
                          event("r2", "u1", "refund", "2026-01-02T11:00:00", 6, refers_to="p1")])
    day = by(compute(spark, "daily_revenue_net", "2026-01-02"), "event_date")[D("2026-01-01")]
    assert (day["refunds_usd"], day["net_revenue_usd"]) == (Decimal("10.00"), Decimal("0.00"))


def test_orphan_refunds_are_excluded_from_net_revenue(spark):
    silver(spark, events=[event("p1", "u1", "purchase", "2026-01-01T10:00:00", 10),
                          event("l1", "u1", "login", "2026-01-01T09:00:00"),
                          event("r1", "u1", "refund", "2026-01-01T11:00:00", 3, refers_to="missing"),
                          event("r2", "u1", "refund", "2026-01-01T11:00:00", 4, refers_to="l1")])
    day = by(compute(spark, "daily_revenue_net", "2026-01-01"), "event_date")[D("2026-01-01")]
    assert day["refunds_usd"] == Decimal("0.00")


def test_gross_revenue_is_zero_filled_from_the_first_purchase_to_as_of(spark):
    silver(spark, events=[event("l0", "u1", "login", "2025-12-30T10:00:00"),
                          event("p1", "u1", "purchase", "2026-01-01T10:00:00", 10),
                          event("p2", "u1", "purchase", "2026-01-03T10:00:00", 2.5)])
    rows = compute(spark, "daily_revenue_gross", "2026-01-04")
    assert [(r["event_date"], r["gross_revenue_usd"], r["purchase_count"]) for r in rows] == [
        (D("2026-01-01"), Decimal("10.00"), 1), (D("2026-01-02"), Decimal("0.00"), 0),
        (D("2026-01-03"), Decimal("2.50"), 1), (D("2026-01-04"), Decimal("0.00"), 0)]
