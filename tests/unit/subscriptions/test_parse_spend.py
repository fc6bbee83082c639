"""Marketing-spend parsing: quarantine reasons, channel spelling, columns found by header."""
from datetime import date
from decimal import Decimal

import pytest

from silver_support import bronze_frame, few_partitions, one_shuffle_partition, parsed_by_number  # noqa: F401 (autouse fixture)
from spark_jobs.subscriptions.parse_spend import parse_spend

HEADER = "date,channel,spend"
ROWS = [
    "2026-01-05,google,100.005",      # 1 valid, half-up
    "2026/01/05,google,1",            # 2
    "2026-02-30,google,1",            # 3
    ",google,1",                      # 4
    "2026-01-05T00:00:00Z,google,1",  # 5
    "2026-01-05,google,",             # 6
    "2026-01-05,google,n/a",          # 7
    '2026-01-05,google,"1,234.50"',   # 8
    "2026-01-05,google,-3.10",        # 9
    "2026-01-05, Google ,5",          # 10
    "2026-01-05,TIKTOK,5",            # 11
    "2026-01-05,  ,5",                # 12
    "2026-01-05,,5",                  # 13
    "bad,google,-1",                  # 14 first rule wins
]


@pytest.fixture(scope="module")
def rows(spark):
    with few_partitions(spark):
        return parsed_by_number(parse_spend(bronze_frame(spark, ROWS, header=HEADER)))


def test_a_clean_row_is_valid_and_rounded_half_up(rows):
    assert (rows[1]["reason"], rows[1]["spend_date"], rows[1]["spend_usd"]) == (None, date(2026, 1, 5), Decimal("100.01"))


@pytest.mark.parametrize("number", [2, 3, 4, 5])
def test_a_date_other_than_yyyy_mm_dd_is_invalid_date(rows, number):
    assert rows[number]["reason"] == "invalid_date"


@pytest.mark.parametrize("number", [6, 7, 8])
def test_a_missing_or_non_numeric_spend_is_invalid_spend(rows, number):
    assert rows[number]["reason"] == "invalid_spend"


def test_a_negative_spend_is_negative_spend(rows):
    assert rows[9]["reason"] == "negative_spend"


def test_the_first_rule_that_applies_is_the_reason(rows):
    assert rows[14]["reason"] == "invalid_date"


@pytest.mark.parametrize("number, channel", [(10, "google"), (11, "tiktok"), (12, "unknown"), (13, "unknown")])
def test_channel_is_lower_case_and_missing_means_unknown(rows, number, channel):
    assert (rows[number]["reason"], rows[number]["channel"]) == (None, channel)


def test_columns_are_found_by_the_header_names(spark):
    frame = bronze_frame(spark, ["7.5,facebook,2026-01-06"], header="spend, Channel ,date")
    row = parse_spend(frame).first()
    assert (row["reason"], row["spend_date"], row["channel"], row["spend_usd"]) == (
        None, date(2026, 1, 6), "facebook", Decimal("7.50"))
