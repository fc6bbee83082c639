"""silver.run end to end on bronze rows: arrival order, re-runs, reconciliation, hand-offs.

Three ingest dates are run forwards (d1, d2, d3), then — after emptying silver — in
another order (d3, d1, d2) followed by a re-run of d1; both must leave the same tables.
"""
from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal

import pytest

from silver_support import few_partitions, one_shuffle_partition  # noqa: F401 (autouse fixture)
from spark_jobs.subscriptions import silver

D1, D2, D3 = date(2030, 3, 1), date(2030, 3, 2), date(2030, 3, 3)
SILVER_TABLES = ("silver.events", "silver.event_conflicts", "silver.event_versions", "silver.subscriptions",
                 "silver.subscriptions_versions", "silver.marketing_spend", "silver.marketing_spend_versions")
COMPARED = ("silver.events", "silver.event_conflicts", "silver.subscriptions", "silver.marketing_spend")


def ev(event_id, etype="login", ts="2030-03-01T10:00:00Z", **extra):
    return json.dumps({"event_id": event_id, "user_id": "u1", "event_type": etype, "timestamp": ts,
                       "schema_version": 2, **extra})


def sub(status="active", end=None, sid="s1"):
    return json.dumps({"subscription_id": sid, "user_id": "u1", "plan_id": "pro", "price": 10, "currency": "EUR",
                       "start_date": "2030-03-01", "end_date": end, "status": status,
                       "created_at": "2030-03-01T08:00:00Z"})


BRONZE = {
    "events": {
        D1: [ev("p1", "purchase", amount=10), ev("l1"), ev("l1", ts="2030-03-01T11:00:00+01:00"), "{broken",
             ev("r1", "refund", amount=3, refers_to_event_id="p1"), ev("r2", "refund", amount=1, refers_to_event_id="nope")],
        D2: [ev("p1", "purchase", amount=12), ev("g1", "signup", acquisition_channel="TikTok")],
        D3: [ev("p1", "purchase", amount=10), ev("l1"), ev("old", ts="2030-02-20T10:00:00Z")],
    },
    "subscriptions": {D1: [sub(), "42"], D2: [sub("canceled", "2030-03-20")], D3: [sub(sid="s2")]},
    "marketing_spend": {
        D1: ["2030-03-01,google,100", "2030-03-01,Google,110"],
        D2: ["2030-03-01,google,90", "2030-03-02,google,-5"],
        D3: ["2030-03-04,google,50"],
    },
}


def load_bronze(spark):
    now = datetime(2030, 3, 1)
    for source, days in BRONZE.items():
        table = f"bronze.subscriptions_{source}"
        spark.sql(f"DELETE FROM {table} WHERE ingest_date IN (DATE'{D1}', DATE'{D2}', DATE'{D3}')")
        header = "date,channel,spend" if source == "marketing_spend" else None
        rows = [(day, f"{source}.txt", i + 1, raw, header, hashlib.sha256(raw.encode()).hexdigest(), now, None)
                for day, raws in days.items() for i, raw in enumerate(raws)]
        spark.createDataFrame(rows, spark.table(table).schema).writeTo(table).append()


def empty_silver(spark):
    for table in SILVER_TABLES:
        spark.sql(f"DELETE FROM {table}")


def snapshot(spark) -> dict[str, list]:
    return {t: sorted(tuple(r) for r in spark.table(t).collect()) for t in COMPARED}


@pytest.fixture(scope="module")
def runs(spark, settings):
    """Both arrival orders; returns the forward snapshot, the other-order snapshot and
    the run log / DQ rows of the dates after the second order."""
    with few_partitions(spark):
        load_bronze(spark)
        empty_silver(spark)
        for day in (D1, D2, D3):
            silver.run(spark, settings, day)
        forward = snapshot(spark)
        forward_keys = spark.table("ops.changed_keys").where("domain = 'subscriptions'").collect()
        forward_dq = dq_rows(spark)
        empty_silver(spark)
        for day in (D3, D1, D2, D1):
            silver.run(spark, settings, day)
        return {"forward": forward, "other": snapshot(spark), "forward_keys": forward_keys,
                "forward_dq": forward_dq, "other_dq": dq_rows(spark)}


def dq_rows(spark) -> list[tuple]:
    return sorted((r["ingest_date"], r["metric"], r["dimension"], r["value"]) for r in spark.table(
        "ops.dq_metrics").where(f"domain = 'subscriptions' AND ingest_date BETWEEN DATE'{D1}' AND DATE'{D3}'").collect())


def events(runs) -> dict[str, tuple]:
    return {row[0]: row for row in runs["forward"]["silver.events"]}


def test_two_arrival_orders_and_a_rerun_give_identical_silver_tables(runs):
    assert runs["forward"] == runs["other"]


def test_a_version_received_again_later_wins_a_b_a(runs):
    p1 = events(runs)["p1"]
    assert (p1[6], p1[13]) == (Decimal("10.00"), D3)          # amount, ingest_date
    conflicts = [(r[0], r[6], r[13]) for r in runs["forward"]["silver.event_conflicts"]]
    assert conflicts == [("p1", Decimal("12.00"), D2)]


def test_exact_duplicates_are_counted_once_over_all_days(runs):
    assert events(runs)["l1"][-1] == 2 and events(runs)["p1"][-1] == 1


def test_a_spend_restatement_replaces_the_earlier_figure(runs):
    spend = {(r[0], r[1]): r[2] for r in runs["forward"]["silver.marketing_spend"]}
    assert spend == {(D1, "google"): Decimal("90.00"), (date(2030, 3, 4), "google"): Decimal("50.00")}


def test_a_cancellation_arriving_later_replaces_the_active_subscription(runs):
    subs = {r[0]: (r[8], r[7]) for r in runs["forward"]["silver.subscriptions"]}
    assert subs == {"s1": ("canceled", date(2030, 3, 20)), "s2": ("active", None)}


def test_every_bronze_record_is_accounted_for(spark, runs):
    logs = spark.table("ops.run_log").where(f"stage = 'silver' AND ingest_date >= DATE'{D1}' "
                                            f"AND ingest_date <= DATE'{D3}'").collect()
    assert len(logs) == 9 and all(r["reconciled"] for r in logs)


def dq(spark, day) -> dict[tuple[str, str], float]:
    rows = spark.table("ops.dq_metrics").where(f"domain = 'subscriptions' AND ingest_date = DATE'{day}'").collect()
    return {(r["metric"], r["dimension"]): r["value"] for r in rows}


def test_dq_figures_of_a_day_with_defects(spark, runs):
    figures = dq(spark, D1)
    assert figures[("rows_read", "events")] == 6
    assert figures[("quarantined", "events:invalid_json")] == 1
    assert figures[("quarantined", "subscriptions:invalid_json")] == 1
    # as of d1 (which the other order ran last): l1 twice, 1 duplicate copy of 5 valid
    # records; p1's copy on d3 was not received by then
    assert figures[("exact_duplicate_rate", "events")] == pytest.approx(1 / 5)
    assert figures[("orphan_refunds", "events")] == 1


SILVER_WIDE = ("orphan_refunds", "spend_gaps")


def test_dq_figures_of_a_day_do_not_depend_on_the_days_run_after_it(runs):
    # The other order ran d3 first: its silver-wide figures could not count d1 and d2,
    # which had not arrived yet. Every other figure must equal the forward run's.
    def comparable(rows):
        return [r for r in rows if not (r[0] == D3 and r[1] in SILVER_WIDE)]

    assert runs["forward_dq"] and comparable(runs["forward_dq"]) == comparable(runs["other_dq"])


def test_dq_counts_late_events_conflicts_and_spend_gaps(spark, runs):
    assert (dq(spark, D2)[("late_event_rate", "events")], dq(spark, D3)[("late_event_rate", "events")]) == (0, 1)
    # p1's d2 version won among the versions received by d2; d3's later copy makes it a
    # conflict of silver, not of d2's figures
    assert dq(spark, D2)[("conflict_count", "events")] == 0
    # as of d1 google has one spend date; as of d3 (in the forward run: d3 ran after d1
    # and d2) 03-01 and 03-04, two days apart
    forward_d3 = {(m, d): v for day, m, d, v in runs["forward_dq"] if day == D3}
    assert (dq(spark, D1)[("spend_gaps", "google")], forward_d3[("spend_gaps", "google")]) == (0, 2)


def test_changed_keys_cover_every_version_of_the_days_events(runs):
    keys = {(r["ingest_date"], r["key_type"], r["key_value"]) for r in runs["forward_keys"]}
    assert {(D2, "event_date", "2030-03-01"), (D2, "user_id", "u1"), (D2, "channel", "tiktok"),
            (D2, "month", "2030-03-01"), (D1, "spend_date", "2030-03-01")} <= keys
