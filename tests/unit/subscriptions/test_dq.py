"""DQ figures: orphan refunds, spend gaps, reconciliation and the printed table."""
from datetime import date

from silver_support import one_shuffle_partition  # noqa: F401 (autouse fixture)
from spark_jobs.subscriptions import dq


def test_refunds_of_absent_or_non_purchase_events_are_orphans(spark):
    events = spark.createDataFrame([
        ("p1", "purchase", None), ("l1", "login", None),
        ("r1", "refund", "p1"), ("r2", "refund", "l1"), ("r3", "refund", "quarantined-or-absent"),
    ], "event_id string, event_type string, refers_to_event_id string")
    assert sorted(r["event_id"] for r in dq.orphan_refunds(events).collect()) == ["r2", "r3"]


def test_spend_gaps_count_missing_channel_days_between_first_and_last(spark):
    d = date.fromisoformat
    spend = spark.createDataFrame([(d("2026-01-01"), "google"), (d("2026-01-04"), "google"),
                                   (d("2026-01-02"), "tiktok"), (d("2026-01-03"), "tiktok")],
                                  "spend_date date, channel string")
    assert {r["channel"]: r["gaps"] for r in dq.spend_gaps(spend).collect()} == {"google": 2, "tiktok": 0}


def test_bronze_rows_reconcile_with_where_they_went():
    counts = dq.SourceCounts("events", bronze_rows=10, quarantined={"invalid_json": 2}, silver_rows=5,
                             duplicates=2, conflicts=1)
    assert counts.reconciled
    assert not dq.SourceCounts("events", bronze_rows=10, silver_rows=9).reconciled


def test_source_metrics_list_rows_read_and_quarantine_by_reason():
    counts = dq.SourceCounts("events", bronze_rows=4, quarantined={"invalid_json": 1, "missing_user_id": 2},
                             silver_rows=1)
    rows = {(m, d): v for m, d, v in dq.source_metrics(counts)}
    assert rows[("rows_read", "events")] == 4
    assert rows[("quarantined", "events:missing_user_id")] == 2 and rows[("quarantined", "events")] == 3


def test_rates_are_shares_of_the_valid_events():
    counts = dq.SourceCounts("events", bronze_rows=11, quarantined={"invalid_json": 1}, silver_rows=6,
                             duplicates=3, conflicts=1, late_rows=2)
    rows = {m: v for m, _, v in dq.event_metrics(counts)}
    assert (rows["exact_duplicate_rate"], rows["late_event_rate"], rows["conflict_count"]) == (0.3, 0.2, 1.0)


def test_the_printed_table_shows_reconciliation_and_every_figure():
    counts = [dq.SourceCounts("events", bronze_rows=1, silver_rows=1)]
    text = dq.format_table(date(2026, 1, 1), counts, dq.source_metrics(counts[0]) + [("spend_gaps", "all", 0.0)])
    assert "events" in text and "True" in text and "spend_gaps" in text and "bronze_rows" not in text
