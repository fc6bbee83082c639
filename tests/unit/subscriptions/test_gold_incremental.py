"""What a daily gold run recomputes: the zero-filled range and the touched keys."""
from datetime import date

from spark_jobs.subscriptions.gold import date_range

D = date.fromisoformat


def test_a_zero_filled_range_runs_from_the_first_date_to_as_of():
    assert date_range(D("2026-01-30"), D("2026-02-01")) == {D("2026-01-30"), D("2026-01-31"), D("2026-02-01")}


def test_a_table_without_input_or_with_input_only_after_as_of_has_no_dates():
    assert date_range(None, D("2026-01-01")) == set()
    assert date_range(D("2026-01-05"), D("2026-01-01")) == set()


def test_refund_of_a_later_arriving_purchase_is_booked_when_the_purchase_arrives(spark):
    from gold_support import event, model, silver
    from spark_jobs.gold import merge_model, model_frame
    from spark_jobs.subscriptions import gold_keys
    from spark_jobs.subscriptions.gold import keys_to_recompute

    net = model("daily_revenue_net")
    as_of = D("2026-01-04")
    spark.sql("DELETE FROM gold.daily_revenue_net")
    refund = event("r1", "u1", "refund", "2026-01-03T10:00:00", 4, refers_to="p1")

    def run_day(events, touched):
        silver(spark, events=events)
        gold_keys.register_touched(spark.createDataFrame(touched, "key_type string, key_value string"))
        keys = keys_to_recompute(spark, net, as_of, gold_keys.first_dates(spark))
        merge_model(spark, net, as_of, keys)

    run_day([refund], [("event_date", "2026-01-03"), ("user_id", "u1")])               # an orphan so far
    run_day([refund, event("p1", "u1", "purchase", "2026-01-01T10:00:00", 10)],
            [("event_date", "2026-01-01"), ("user_id", "u1")])                         # the late purchase

    stored = {r["event_date"]: r["refunds_usd"] for r in spark.table("gold.daily_revenue_net").collect()}
    assert stored[D("2026-01-01")] == 4
    assert sorted(spark.table("gold.daily_revenue_net").collect()) == sorted(model_frame(spark, net, as_of).collect())
