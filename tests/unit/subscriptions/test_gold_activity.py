"""Daily active users and weekly cohort retention."""
from datetime import date

from gold_support import by, compute, event, silver, one_shuffle_partition  # noqa: F401 (autouse fixture)

D = date.fromisoformat


def test_dau_counts_distinct_users_and_zero_fills_to_as_of(spark):
    silver(spark, events=[event("e1", "u1", "login", "2026-01-01T10:00:00"),
                          event("e2", "u1", "page_view", "2026-01-01T11:00:00"),
                          event("e3", "u2", "login", "2026-01-01T23:59:59")])
    rows = compute(spark, "daily_active_users", "2026-01-03")
    assert [(r["event_date"], r["dau"]) for r in rows] == [
        (D("2026-01-01"), 2), (D("2026-01-02"), 0), (D("2026-01-03"), 0)]


def test_events_dated_after_as_of_are_outside_the_range(spark):
    silver(spark, events=[event("e1", "u1", "login", "2026-01-01T10:00:00"),
                          event("e2", "u2", "login", "2026-01-05T10:00:00")])
    assert [r["event_date"] for r in compute(spark, "daily_active_users", "2026-01-02")] == [
        D("2026-01-01"), D("2026-01-02")]


def test_cohort_week_is_the_monday_of_the_first_signup(spark):
    # 2026-01-04 is a Sunday (cohort Monday 2025-12-29); the later Monday signup is ignored
    silver(spark, events=[event("s1", "u1", "signup", "2026-01-04T23:00:00"),
                          event("s2", "u1", "signup", "2026-01-05T01:00:00"),
                          event("s3", "u2", "signup", "2026-01-05T00:00:00")])
    rows = compute(spark, "weekly_cohort_retention", "2026-01-05")
    sizes = {(r["cohort_week"], r["week_number"]): r["cohort_size"] for r in rows}
    assert sizes == {(D("2025-12-29"), 0): 1, (D("2025-12-29"), 1): 1, (D("2026-01-05"), 0): 1}


def test_active_in_week_n_means_an_event_in_its_seven_days(spark):
    # cohort 2026-01-05 (Monday): Sunday 01-11 is still week 0, Monday 01-12 is week 1
    silver(spark, events=[event("s1", "u1", "signup", "2026-01-05T10:00:00"),
                          event("s2", "u2", "signup", "2026-01-06T10:00:00"),
                          event("e1", "u1", "login", "2026-01-12T00:00:00"),
                          event("e2", "u2", "login", "2026-01-11T23:59:59")])
    rows = by(compute(spark, "weekly_cohort_retention", "2026-01-20"), "week_number")
    assert [(n, rows[n]["active_users"]) for n in sorted(rows)] == [(0, 2), (1, 1), (2, 0)]
    assert rows[1]["retention_rate"] == 0.5


def test_users_without_a_signup_have_no_cohort(spark):
    silver(spark, events=[event("e1", "u1", "login", "2026-01-05T10:00:00")])
    assert compute(spark, "weekly_cohort_retention", "2026-01-06") == []
