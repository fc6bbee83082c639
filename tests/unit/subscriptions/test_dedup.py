"""Winner selection, exact duplicates and conflicts on small version sets."""
from datetime import date, datetime
from decimal import Decimal

import pytest
from pyspark.sql import functions as F

from silver_support import one_shuffle_partition  # noqa: F401 (autouse fixture)
from spark_jobs.subscriptions import dedup
from spark_jobs.subscriptions.parse_events import EVENT_COLUMNS
from spark_jobs.subscriptions.parse_spend import SPEND_COLUMNS
from spark_jobs.subscriptions.parse_subscriptions import SUBSCRIPTION_COLUMNS

EVENT_SCHEMA = ("event_id string, user_id string, event_type string, event_ts timestamp, event_date date, "
                "schema_version int, amount decimal(18,2), currency string, amount_usd decimal(18,2), "
                "tax decimal(18,2), refers_to_event_id string, acquisition_channel string, payload_hash string, "
                "ingest_date date, source_file string, record_number int")


def copy(payload: str, day: int, version: int = 2, amount: str = "10.00", line: int = 1, event_id: str = "e1"):
    """One received copy of event ``event_id``; ``payload`` names its normalised content."""
    ts = datetime(2026, 1, 1, 12)
    return (event_id, "u1", "purchase", ts, ts.date(), version, Decimal(amount), "USD", Decimal(amount), None,
            None, None, payload, date(2026, 1, day), f"events-{day}.ndjson", line)


def no_stored_versions(records):
    return records.limit(0).withColumn("copies", F.lit(1).cast("long"))


def resolve(spark, copies):
    valid = spark.createDataFrame(copies, EVENT_SCHEMA)
    rows = dedup.resolve_day(valid, no_stored_versions(valid)).collect()
    return {(r["payload_hash"], r["ingest_date"].day): r for r in rows}


def winner(resolved):
    return next(r for r in resolved.values() if r["role"] == "winner")


def test_copies_of_one_payload_on_one_day_are_one_version_counted_as_duplicates(spark):
    resolved = resolve(spark, [copy("A", 1, line=3), copy("A", 1, line=1), copy("A", 1, line=2)])
    only = resolved[("A", 1)]
    assert (only["role"], only["copies"], only["duplicate_count"], only["record_number"]) == ("winner", 3, 2, 1)


def test_a_higher_schema_version_beats_a_later_ingest_date(spark):
    resolved = resolve(spark, [copy("A", 1, version=2), copy("B", 3, version=1)])
    assert winner(resolved)["payload_hash"] == "A"
    assert resolved[("B", 3)]["role"] == "conflict"


def test_the_later_ingest_date_wins_between_equal_versions(spark):
    resolved = resolve(spark, [copy("A", 1), copy("B", 2)])
    assert (winner(resolved)["payload_hash"], resolved[("A", 1)]["role"]) == ("B", "conflict")


def test_each_copy_is_ranked_with_its_own_ingest_date_a_b_a(spark):
    resolved = resolve(spark, [copy("A", 1), copy("B", 2), copy("A", 4)])
    assert winner(resolved)["ingest_date"] == date(2026, 1, 4)
    assert winner(resolved)["payload_hash"] == "A"
    assert (resolved[("B", 2)]["role"], resolved[("A", 1)]["role"]) == ("conflict", "duplicate")
    assert winner(resolved)["duplicate_count"] == 1


def test_the_winner_does_not_depend_on_arrival_order(spark):
    forward = resolve(spark, [copy("A", 1, amount="5.00"), copy("B", 1, amount="7.00")])
    backward = resolve(spark, [copy("B", 1, amount="7.00"), copy("A", 1, amount="5.00")])
    assert winner(forward)["payload_hash"] == winner(backward)["payload_hash"] == "B"


def test_nulls_rank_lowest(spark):
    no_amount = copy("A", 1)[:6] + (None,) + copy("A", 1)[7:]
    resolved = resolve(spark, [no_amount, copy("B", 1, amount="0.00")])
    assert winner(resolved)["payload_hash"] == "B"


def test_a_losing_version_received_on_two_days_is_two_conflicts(spark):
    resolved = resolve(spark, [copy("B", 1), copy("B", 2), copy("A", 3), copy("B", 2, line=9)])
    conflicts = sorted(k for k, r in resolved.items() if r["role"] == "conflict")
    assert conflicts == [("B", 1), ("B", 2)]
    assert winner(resolved)["duplicate_count"] == 1   # the second copy of B on day 2


def test_stored_versions_of_other_days_are_ranked_with_the_days_copies(spark):
    today = spark.createDataFrame([copy("A", 3, line=2), copy("A", 3, line=1)], EVENT_SCHEMA)
    stored = spark.createDataFrame([copy("A", 1, line=7), copy("B", 2, line=4)], EVENT_SCHEMA)
    stored = stored.withColumn("copies", F.when(F.col("payload_hash") == "A", 4).otherwise(1).cast("long"))
    rows = {(r["payload_hash"], r["ingest_date"].day): r for r in dedup.resolve_day(today, stored).collect()}
    assert set(rows) == {("A", 3), ("A", 1), ("B", 2)}
    assert (rows[("A", 3)]["role"], rows[("A", 3)]["copies"], rows[("A", 3)]["record_number"]) == ("winner", 2, 1)
    assert (rows[("A", 1)]["role"], rows[("A", 1)]["copies"]) == ("duplicate", 4)
    assert rows[("B", 2)]["role"] == "conflict"
    assert rows[("A", 3)]["duplicate_count"] == 1 + 4


def test_event_tables_split_winners_and_conflicts(spark):
    valid = spark.createDataFrame([copy("A", 1), copy("B", 2)], EVENT_SCHEMA)
    resolved = dedup.resolve_day(valid, no_stored_versions(valid))
    assert dedup.event_winners(resolved).columns == [*EVENT_COLUMNS, "duplicate_count"]
    assert [r["payload_hash"] for r in dedup.event_conflicts(resolved).collect()] == ["A"]


SUB_SCHEMA = ("subscription_id string, user_id string, plan_id string, price decimal(18,2), currency string, "
              "price_usd decimal(18,2), start_date date, end_date date, status string, created_at timestamp, "
              "ingest_date date, source_file string, record_number int")


def sub(day: int, status="active", end=None, price="9.99", plan="basic", created_hour=10, line=1):
    return ("s1", "u1", plan, Decimal(price), "USD", Decimal(price), date(2026, 1, 1), end, status,
            datetime(2026, 1, 1, created_hour), date(2026, 1, day), "subs.json", line)


def sub_winner(spark, rows):
    frame = spark.createDataFrame(rows, SUB_SCHEMA)
    best = dedup.subscription_winners(frame).collect()
    assert len(best) == 1 and list(best[0].asDict()) == list(SUBSCRIPTION_COLUMNS)
    return best[0]


def test_a_later_ingest_date_wins_for_subscriptions(spark):
    best = sub_winner(spark, [sub(2, created_hour=1), sub(1, status="canceled", end=date(2026, 2, 1), created_hour=9)])
    assert best["ingest_date"] == date(2026, 1, 2)


def test_a_cancellation_beats_the_active_record_of_the_same_moment(spark):
    best = sub_winner(spark, [sub(1, line=2), sub(1, status="canceled", end=date(2026, 2, 1), line=1)])
    assert best["status"] == "canceled"


@pytest.mark.parametrize("rows, field, expected", [
    ([sub(1, price="9.99", line=2), sub(1, price="19.99", line=1)], "price_usd", Decimal("19.99")),
    ([sub(1, plan="pro", line=1), sub(1, plan="basic", line=2)], "plan_id", "pro"),
    ([sub(1, created_hour=11, line=1), sub(1, created_hour=10, line=2)], "created_at", datetime(2026, 1, 1, 11)),
])
def test_subscription_ties_fall_through_the_spec_order(spark, rows, field, expected):
    assert sub_winner(spark, rows)[field] == expected


SPEND_SCHEMA = "spend_date date, channel string, spend_usd decimal(18,2), ingest_date date, source_file string, record_number int"


def spend_winner(spark, rows):
    best = dedup.spend_winners(spark.createDataFrame(rows, SPEND_SCHEMA)).collect()
    assert len(best) == 1 and list(best[0].asDict()) == list(SPEND_COLUMNS)
    return best[0]["spend_usd"]


def test_a_spend_restatement_on_a_later_ingest_date_replaces_the_figure(spark):
    rows = [(date(2026, 1, 1), "google", Decimal("5"), date(2026, 1, 3), "a.csv", 1),
            (date(2026, 1, 1), "google", Decimal("9"), date(2026, 1, 1), "z.csv", 9)]
    assert spend_winner(spark, rows) == Decimal("5.00")


def test_within_a_day_the_last_spend_row_in_file_order_wins(spark):
    rows = [(date(2026, 1, 1), "google", Decimal("1"), date(2026, 1, 1), "b.csv", 2),
            (date(2026, 1, 1), "google", Decimal("2"), date(2026, 1, 1), "b.csv", 7),
            (date(2026, 1, 1), "google", Decimal("3"), date(2026, 1, 1), "a.csv", 9)]
    assert spend_winner(spark, rows) == Decimal("2.00")
