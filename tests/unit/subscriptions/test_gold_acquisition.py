"""CAC per channel (total and monthly), LTV per user and the LTV/CAC ratio."""
from datetime import date
from decimal import Decimal

from gold_support import by, compute, event, materialise, silver, spend, one_shuffle_partition  # noqa: F401 (autouse fixture)

D = date.fromisoformat


def test_channel_is_the_first_signup_and_cac_is_rounded_spend_per_conversion(spark):
    silver(spark, events=[event("s1", "u1", "signup", "2026-01-01T10:00:00", channel="google"),
                          event("s2", "u1", "signup", "2026-01-02T10:00:00", channel="tiktok"),
                          event("c1", "u1", "trial_convert", "2026-01-03T10:00:00"),
                          event("s3", "u2", "signup", "2026-01-01T11:00:00", channel="google"),
                          event("p2", "u2", "purchase", "2026-01-03T10:00:00", 9),
                          event("p3", "u3", "purchase", "2026-01-03T10:00:00", 9)],
           marketing_spend=[spend("2026-01-01", "google", 100), spend("2026-01-02", "tiktok", 50)])
    rows = by(compute(spark, "cac_by_channel", "2026-01-03"), "channel")
    assert {c: (r["conversions"], r["cac_usd"]) for c, r in rows.items()} == {
        "google": (2, Decimal("50.00")), "tiktok": (0, None), "unknown": (1, Decimal("0.00"))}


def test_cac_rounds_half_up_to_cents(spark):
    silver(spark, events=[event(f"p{n}", f"u{n}", "purchase", "2026-01-01T10:00:00", 1) for n in range(8)],
           marketing_spend=[spend("2026-01-01", "unknown", "0.20")])
    assert compute(spark, "cac_by_channel", "2026-01-01")[0]["cac_usd"] == Decimal("0.03")  # 0.025 → 0.03


def test_monthly_cac_is_the_full_zero_filled_channel_by_month_grid(spark):
    silver(spark, events=[event("s1", "u1", "signup", "2026-01-05T10:00:00", channel="google"),
                          event("p1", "u1", "purchase", "2026-02-03T10:00:00", 9),
                          event("p2", "u1", "purchase", "2026-03-03T10:00:00", 9)],
           marketing_spend=[spend("2026-01-31", "facebook", 10)])
    rows = compute(spark, "cac_by_channel_monthly", "2026-03-10")
    assert [(r["month"], r["channel"], r["spend_usd"], r["conversions"]) for r in rows] == [
        (D("2026-01-01"), "facebook", Decimal("10.00"), 0), (D("2026-01-01"), "google", Decimal("0.00"), 0),
        (D("2026-02-01"), "facebook", Decimal("0.00"), 0), (D("2026-02-01"), "google", Decimal("0.00"), 1),
        (D("2026-03-01"), "facebook", Decimal("0.00"), 0), (D("2026-03-01"), "google", Decimal("0.00"), 0)]


def test_a_refund_counts_against_the_ltv_of_the_purchase_user(spark):
    silver(spark, events=[event("s1", "u1", "signup", "2026-01-01T10:00:00", channel="google"),
                          event("p1", "u1", "purchase", "2026-01-02T10:00:00", 30),
                          event("r1", "u2", "refund", "2026-01-03T10:00:00", 40, refers_to="p1")])
    rows = by(compute(spark, "ltv_per_user", "2026-01-03"), "user_id")
    assert set(rows) == {"u1"}
    assert (rows["u1"]["refunds_usd"], rows["u1"]["ltv_usd"], rows["u1"]["signup_date"]) == (
        Decimal("30.00"), Decimal("0.00"), D("2026-01-01"))


def test_ltv_cac_ratio_counts_a_converted_user_without_ltv_as_zero(spark):
    silver(spark, events=[event("p1", "u1", "purchase", "2026-01-02T10:00:00", 30),
                          event("c2", "u2", "trial_convert", "2026-01-02T10:00:00")],
           marketing_spend=[spend("2026-01-01", "unknown", 30)])
    materialise(spark, "cac_by_channel", "2026-01-02")
    materialise(spark, "ltv_per_user", "2026-01-02")
    row = compute(spark, "ltv_cac_ratio", "2026-01-02")[0]
    assert (row["converted_users"], row["avg_ltv_usd"], row["cac_usd"], row["ltv_cac_ratio"]) == (
        2, Decimal("15.00"), Decimal("15.00"), 1.0)
