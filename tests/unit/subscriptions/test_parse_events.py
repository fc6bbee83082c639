"""Event parsing: every quarantine reason, every accepted timestamp layout, normalisation."""
from datetime import datetime
from decimal import Decimal

import pytest

from silver_support import RATES, Cases, one_shuffle_partition  # noqa: F401 (autouse fixture)
from spark_jobs.subscriptions.parse_events import parse_events

BASE = {"event_id": "e1", "user_id": "u1", "event_type": "login", "timestamp": "2026-01-05T10:00:00Z",
        "schema_version": 2}
BUY = dict(BASE, event_type="purchase", amount=25, currency="EUR")


def ev(**changes):
    out = dict(BASE, **changes)
    return {k: v for k, v in out.items() if v is not ...}


def buy(**changes):
    out = dict(BUY, **changes)
    return {k: v for k, v in out.items() if v is not ...}


CASES = Cases({
    "valid": ev(),
    "json_array": "[" + '{"event_id": "e1"}' + "]",
    "json_number": "42",
    "json_truncated": '{"event_id": "e1", "user_id": ',
    "json_trailing_garbage": '{"event_id": "e1"} trailing',
    "json_null": "null",
    "no_event_id": ev(event_id=...),
    "blank_event_id": ev(event_id="   "),
    "unknown_type": ev(event_type="browse"),
    "missing_type": ev(event_type=None),
    "bare_date": ev(timestamp="2026-01-05"),
    "slashed_ts": ev(timestamp="2026/01/05 10:00:00"),
    "space_with_zone": ev(timestamp="2026-01-05 10:00:00Z"),
    "feb_30": ev(timestamp="2026-02-30T10:00:00Z"),
    "no_timestamp": ev(timestamp=...),
    "no_user": ev(user_id=""),
    "version_3": ev(schema_version=3),
    "version_text": ev(schema_version="two"),
    "no_version": ev(schema_version=...),
    "amount_missing": buy(amount=...),
    "amount_text": buy(amount="1,50"),
    "amount_negative": buy(amount=-1),
    "amount_bool": buy(amount=True),
    "currency_unknown": buy(currency="XYZ"),
    "currency_on_login": ev(currency="XYZ"),
    "refund_no_reference": buy(event_type="refund", refers_to_event_id=" "),
    "two_defects": ev(event_id="", timestamp="bad"),
    "ts_z": ev(timestamp="2026-01-05T10:00:00Z"),
    "ts_colon": ev(timestamp="2026-01-05T12:00:00+02:00"),
    "ts_compact": ev(timestamp="2026-01-05T12:00:00+0200"),
    "ts_negative": ev(timestamp="2026-01-05T04:30:00-05:30"),
    "ts_millis": ev(timestamp="2026-01-05T10:00:00.123Z"),
    "ts_micros_offset": ev(timestamp="2026-01-05T12:00:00.123456+0200"),
    "ts_nanos": ev(timestamp="2026-01-05T10:00:00.123456789Z"),
    "ts_space": ev(timestamp="2026-01-05 10:00:00"),
    "ts_space_fraction": ev(timestamp="2026-01-05 10:00:00.5"),
    "ts_t_naive": ev(timestamp="2026-01-05T10:00:00"),
    "ts_day_change": ev(timestamp="2026-01-05T01:00:00+0200"),
    "half_cent": buy(amount=25.005),
    "numeric_strings": buy(amount="25.0", schema_version="2"),
    "spelling_variant": {**buy(event_type=" Purchase ", currency=" eur ", amount=25, user_id=" u1 "),
                         "timestamp": "2026-01-05T11:00:00+01:00", "app_version": "5.2.1"},
    "missing_currency": buy(currency=...),
    "signup_channel": ev(event_type="signup", acquisition_channel=" Google "),
    "signup_no_channel": ev(event_type="signup", acquisition_channel=""),
    "login_channel": ev(acquisition_channel="google"),
    "refund": buy(event_type="refund", refers_to_event_id=" p1 ", tax="1.005"),
})


@pytest.fixture(scope="module")
def cases(spark):
    return CASES.parse(spark, lambda frame: parse_events(frame, RATES))


def reason(cases, name):
    return cases.row(name)["reason"]


def test_a_clean_event_is_valid(cases):
    assert reason(cases, "valid") is None


@pytest.mark.parametrize("name", ["json_array", "json_number", "json_truncated", "json_trailing_garbage", "json_null"])
def test_a_line_that_is_not_a_json_object_is_invalid_json(cases, name):
    assert reason(cases, name) == "invalid_json"


@pytest.mark.parametrize("name", ["no_event_id", "blank_event_id"])
def test_a_missing_or_blank_event_id_is_missing_event_id(cases, name):
    assert reason(cases, name) == "missing_event_id"


@pytest.mark.parametrize("name", ["unknown_type", "missing_type"])
def test_an_event_type_outside_the_eight_is_unknown_event_type(cases, name):
    assert reason(cases, name) == "unknown_event_type"


@pytest.mark.parametrize("name", ["bare_date", "slashed_ts", "space_with_zone", "feb_30", "no_timestamp"])
def test_a_bare_date_or_other_layout_is_invalid_timestamp(cases, name):
    assert reason(cases, name) == "invalid_timestamp"


def test_an_empty_user_id_is_missing_user_id(cases):
    assert reason(cases, "no_user") == "missing_user_id"


@pytest.mark.parametrize("name", ["version_3", "version_text", "no_version"])
def test_a_schema_version_other_than_1_or_2_is_invalid_schema_version(cases, name):
    assert reason(cases, name) == "invalid_schema_version"


@pytest.mark.parametrize("name", ["amount_missing", "amount_text", "amount_negative", "amount_bool"])
def test_a_purchase_without_a_non_negative_number_amount_is_invalid_amount(cases, name):
    assert reason(cases, name) == "invalid_amount"


def test_a_purchase_in_a_currency_without_a_rate_is_unknown_currency(cases):
    assert reason(cases, "currency_unknown") == "unknown_currency"


def test_a_non_money_event_ignores_its_currency(cases):
    row = cases.row("currency_on_login")
    assert (row["reason"], row["currency"]) == (None, None)


def test_a_refund_without_a_reference_is_missing_refund_reference(cases):
    assert reason(cases, "refund_no_reference") == "missing_refund_reference"


def test_the_first_rule_that_applies_is_the_reason(cases):
    assert reason(cases, "two_defects") == "missing_event_id"


@pytest.mark.parametrize("name, expected", [
    ("ts_z", datetime(2026, 1, 5, 10, 0, 0)),
    ("ts_colon", datetime(2026, 1, 5, 10, 0, 0)),
    ("ts_compact", datetime(2026, 1, 5, 10, 0, 0)),
    ("ts_negative", datetime(2026, 1, 5, 10, 0, 0)),
    ("ts_millis", datetime(2026, 1, 5, 10, 0, 0, 123000)),
    ("ts_micros_offset", datetime(2026, 1, 5, 10, 0, 0, 123456)),
    ("ts_nanos", datetime(2026, 1, 5, 10, 0, 0, 123456)),
    ("ts_space", datetime(2026, 1, 5, 10, 0, 0)),
    ("ts_space_fraction", datetime(2026, 1, 5, 10, 0, 0, 500000)),
    ("ts_t_naive", datetime(2026, 1, 5, 10, 0, 0)),
])
def test_every_accepted_timestamp_layout_parses_to_the_utc_instant(cases, name, expected):
    assert cases.row(name)["event_ts"] == expected


def test_event_date_is_the_utc_date_of_the_instant(cases):
    assert str(cases.row("ts_day_change")["event_date"]) == "2026-01-04"


def test_amounts_round_half_up_to_cents_and_convert_per_record(cases):
    row = cases.row("half_cent")
    assert (row["amount"], row["amount_usd"]) == (Decimal("25.01"), Decimal("27.51"))


def test_numeric_strings_read_like_numbers(cases):
    row = cases.row("numeric_strings")
    assert (row["reason"], row["schema_version"], row["amount"]) == (None, 2, Decimal("25.00"))


def test_spelling_variants_of_one_event_share_the_payload_hash(cases):
    a, b = cases.row("numeric_strings"), cases.row("spelling_variant")
    assert (a["reason"], b["reason"]) == (None, None)
    assert a["payload_hash"] == b["payload_hash"]


def test_a_missing_currency_means_usd(cases):
    row = cases.row("missing_currency")
    assert (row["currency"], row["amount_usd"]) == ("USD", Decimal("25.00"))


def test_signup_channel_is_lower_case_and_missing_means_unknown(cases):
    assert cases.row("signup_channel")["acquisition_channel"] == "google"
    assert cases.row("signup_no_channel")["acquisition_channel"] == "unknown"


def test_only_signups_carry_a_channel(cases):
    assert cases.row("login_channel")["acquisition_channel"] is None


def test_a_refund_keeps_its_trimmed_reference_and_rounded_tax(cases):
    row = cases.row("refund")
    assert (row["reason"], row["refers_to_event_id"], row["tax"]) == (None, "p1", Decimal("1.01"))
