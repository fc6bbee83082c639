"""Subscription parsing: every quarantine reason, in order, and normalisation."""
from datetime import date, datetime
from decimal import Decimal

import pytest

from silver_support import RATES, Cases, one_shuffle_partition  # noqa: F401 (autouse fixture)
from spark_jobs.subscriptions.parse_subscriptions import parse_subscriptions

BASE = {"subscription_id": "s1", "user_id": "u1", "plan_id": "pro", "price": 19.99, "currency": "USD",
        "start_date": "2026-01-05", "end_date": None, "status": "active", "created_at": "2026-01-05T10:00:00Z"}


def sub(**changes):
    out = dict(BASE, **changes)
    return {k: v for k, v in out.items() if v is not ...}


CASES = Cases({
    "valid": sub(),
    "not_object": "42",
    "null_element": None,
    "string_element": '"sub-1"',
    "no_id": sub(subscription_id=...),
    "blank_id": sub(subscription_id="  "),
    "no_user": sub(user_id=None),
    "slashed_start": sub(start_date="2026/01/05"),
    "timestamp_start": sub(start_date="2026-01-05T00:00:00Z"),
    "feb_30_start": sub(start_date="2026-02-30"),
    "no_created": sub(created_at=...),
    "date_only_created": sub(created_at="2026-01-05"),
    "short_end": sub(end_date="2026-1-9", status="canceled"),
    "paused": sub(status="paused"),
    "cancelled_spelling": sub(status="cancelled", end_date="2026-02-01"),
    "end_before_start": sub(start_date="2026-01-05", end_date="2026-01-02", status="canceled"),
    "canceled_no_end": sub(status="Canceled", end_date=""),
    "price_missing": sub(price=...),
    "price_text": sub(price="free"),
    "price_comma": sub(price="9,99"),
    "price_negative": sub(price="-5"),
    "price_bool": sub(price=True),
    "currency_unknown": sub(currency="EURO"),
    "two_defects": sub(user_id=None, status="paused"),
    "spelled": sub(status=" ACTIVE ", currency=" eur ", price="17.995", plan_id=" pro "),
    "canceled": sub(status="canceled", end_date="2026-02-05"),
})


@pytest.fixture(scope="module")
def cases(spark):
    return CASES.parse(spark, lambda frame: parse_subscriptions(frame, RATES))


def reason(cases, name):
    return cases.row(name)["reason"]


def test_a_clean_subscription_is_valid(cases):
    assert reason(cases, "valid") is None


@pytest.mark.parametrize("name", ["not_object", "null_element", "string_element"])
def test_an_element_that_is_not_an_object_is_invalid_json(cases, name):
    assert reason(cases, name) == "invalid_json"


def test_a_file_that_is_not_a_json_array_is_invalid_json(spark):
    from silver_support import bronze_frame
    whole_file = bronze_frame(spark, ['{"subscription_id": "s1", "user_id": "u1"}\n'])
    row = parse_subscriptions(whole_file.withColumn("record_number", whole_file.record_number * 0), RATES).first()
    assert row["reason"] == "invalid_json"


@pytest.mark.parametrize("name", ["no_id", "blank_id"])
def test_a_missing_subscription_id_is_quarantined(cases, name):
    assert reason(cases, name) == "missing_subscription_id"


def test_a_missing_user_id_is_quarantined(cases):
    assert reason(cases, "no_user") == "missing_user_id"


@pytest.mark.parametrize("name", ["slashed_start", "timestamp_start", "feb_30_start", "no_created",
                                  "date_only_created", "short_end"])
def test_unreadable_or_missing_dates_are_invalid_date(cases, name):
    assert reason(cases, name) == "invalid_date"


@pytest.mark.parametrize("name", ["paused", "cancelled_spelling"])
def test_a_status_other_than_active_or_canceled_is_invalid_status(cases, name):
    assert reason(cases, name) == "invalid_status"


def test_an_end_date_before_the_start_is_end_before_start(cases):
    assert reason(cases, "end_before_start") == "end_before_start"


def test_a_canceled_subscription_needs_an_end_date(cases):
    assert reason(cases, "canceled_no_end") == "canceled_without_end_date"


@pytest.mark.parametrize("name", ["price_missing", "price_text", "price_comma", "price_negative", "price_bool"])
def test_a_missing_non_numeric_or_negative_price_is_invalid_price(cases, name):
    assert reason(cases, name) == "invalid_price"


def test_a_currency_without_a_rate_is_unknown_currency(cases):
    assert reason(cases, "currency_unknown") == "unknown_currency"


def test_the_first_rule_that_applies_is_the_reason(cases):
    assert reason(cases, "two_defects") == "missing_user_id"


def test_spelling_is_normalised_and_price_converted_half_up(cases):
    row = cases.row("spelled")
    assert (row["reason"], row["status"], row["currency"], row["plan_id"]) == (None, "active", "EUR", "pro")
    # price_usd from the price as received: 17.995 × 1.10 = 19.7945 → 19.79 (the cent-rounded
    # 18.00 would give 19.80: rounding twice).
    assert (row["price"], row["price_usd"]) == (Decimal("18.00"), Decimal("19.79"))


def test_a_canceled_subscription_keeps_its_dates(cases):
    row = cases.row("canceled")
    assert (row["reason"], row["end_date"], row["created_at"]) == (
        None, date(2026, 2, 5), datetime(2026, 1, 5, 10, 0))
