"""Unit tests of the from-scratch subscriptions reference (tests/reference/subscriptions.py).

Each case is a tiny landing folder written in tmp_path; expected values are worked out by
hand from /work/shared/specs/subscriptions.md. No Spark, no job code.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from .subscriptions import gold_tables, parse_timestamp

D = Decimal
MON = date(2024, 1, 1)  # a Monday


def day(n: int) -> date:
    """2024-01-n."""
    return date(2024, 1, n)


def put(landing: Path, source: str, ingest: date, name: str, content: str) -> None:
    folder = landing / "subscriptions" / source / f"ingest_date={ingest.isoformat()}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(content, encoding="utf-8")


def ev(event_id, event_type, ts, user="u1", sv=2, **extra) -> dict:
    rec = {"event_id": event_id, "user_id": user, "event_type": event_type, "timestamp": ts,
           "schema_version": sv}
    rec.update(extra)
    return rec


def put_events(landing: Path, ingest: date, *records, name: str = "part-0.json") -> None:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    put(landing, "events", ingest, name, "\n".join(lines) + "\n")


def put_subs(landing: Path, ingest: date, *records, name: str = "subs.json") -> None:
    put(landing, "subscriptions", ingest, name, json.dumps(list(records)))


def put_spend(landing: Path, ingest: date, rows: list[tuple], name: str = "spend.csv") -> None:
    body = "date,channel,spend\n" + "".join(",".join(str(v) for v in r) + "\n" for r in rows)
    put(landing, "marketing_spend", ingest, name, body)


def sub(sid, user, start, price, end=None, status="active", created="2024-01-01T00:00:00Z", **kw) -> dict:
    rec = {"subscription_id": sid, "user_id": user, "plan_id": "p", "price": price, "start_date": start,
           "end_date": end, "status": status, "created_at": created}
    rec.update(kw)
    return rec


# --------------------------------------------------------------------------- timestamps


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2024-01-02T10:00:00Z", datetime(2024, 1, 2, 10)),
        ("2024-01-02T10:00:00+02:00", datetime(2024, 1, 2, 8)),
        ("2024-01-02T01:00:00+0230", datetime(2024, 1, 1, 22, 30)),
        ("2024-01-02T23:30:00-01:00", datetime(2024, 1, 3, 0, 30)),
        ("2024-01-02T10:00:00.123456789Z", datetime(2024, 1, 2, 10, 0, 0, 123456)),
        ("2024-01-02T10:00:00.5", datetime(2024, 1, 2, 10, 0, 0, 500000)),
        ("2024-01-02T10:00:00", datetime(2024, 1, 2, 10)),
        ("2024-01-02 10:00:00", datetime(2024, 1, 2, 10)),
        ("2024-01-02 10:00:00.25", datetime(2024, 1, 2, 10, 0, 0, 250000)),
        ("  2024-01-02T10:00:00Z ", datetime(2024, 1, 2, 10)),
    ],
)
def test_timestamp_accepted(raw, expected):
    assert parse_timestamp(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["2024-01-02", "2024/01/02 10:00:00", "2024-01-02T10:00Z", "02/01/2024 10:00:00",
     "2024-02-30T00:00:00Z", "2024-01-02T25:00:00Z", "1704189600", 1704189600, "", None,
     "2024-01-02T10:00:00+25:00", "2024-01-02T10:00:00.Z", "Jan 2 2024 10:00:00"],
)
def test_timestamp_rejected(raw):
    assert parse_timestamp(raw) is None


def test_invalid_timestamp_event_takes_no_part(tmp_path):
    put_events(tmp_path, day(3),
               ev("e1", "login", "2024-01-02", user="u1"),           # bare date: quarantined
               ev("e2", "login", "2024-01-03 09:00:00", user="u2"),
               ev("e3", "login", "2024-01-03T23:30:00-01:00", user="u3"))  # = 2024-01-04 00:30 UTC
    g = gold_tables(tmp_path, day(4))
    assert g["daily_active_users"] == [(day(3), 1), (day(4), 1)]


# --------------------------------------------------------------------------- numbers, fx, money


def test_numeric_strings_and_invalid_amounts(tmp_path):
    put_events(tmp_path, day(1),
               ev("p1", "purchase", "2024-01-01T10:00:00Z", sv="2", amount="9.99"),
               ev("p2", "purchase", "2024-01-01T11:00:00Z", amount=0),
               ev("p3", "purchase", "2024-01-01T12:00:00Z", amount="abc"),
               ev("p4", "purchase", "2024-01-01T12:00:00Z", amount=True),
               ev("p5", "purchase", "2024-01-01T12:00:00Z", amount=-1),
               ev("p6", "purchase", "2024-01-01T12:00:00Z"),                 # no amount
               ev("p7", "purchase", "2024-01-01T12:00:00Z", sv=3, amount=5),
               ev("p8", "purchase", "2024-01-01T12:00:00Z", sv=None, amount=5),
               ev("p9", "purchase", "2024-01-01T12:00:00Z", amount=5, currency="XXX"),
               "{not json", "[1, 2]", "   ")
    g = gold_tables(tmp_path, day(1))
    assert g["daily_revenue_gross"] == [(day(1), D("9.99"), 2)]


def test_fx_and_half_up_per_record(tmp_path):
    put_events(tmp_path, day(1),
               ev("a", "purchase", "2024-01-01T10:00:00Z", amount=0.125),
               ev("b", "purchase", "2024-01-01T10:00:01Z", amount="0.125", currency=" usd "),
               ev("c", "purchase", "2024-01-02T10:00:00Z", amount=10.005, currency="eur"),  # 11.0055
               ev("d", "purchase", "2024-01-02T10:00:01Z", amount=1000, currency="JPY"),   # 7.00
               ev("e", "login", "2024-01-02T10:00:01Z", currency="XXX"))  # ignored on a login
    g = gold_tables(tmp_path, day(2))
    # 0.125 -> 0.13 twice (half up per record, then summed) = 0.26
    assert g["daily_revenue_gross"] == [(day(1), D("0.26"), 2), (day(2), D("18.01"), 2)]
    assert g["daily_active_users"] == [(day(1), 1), (day(2), 1)]


# --------------------------------------------------------------------------- dedup of events


def test_exact_duplicate_in_other_spellings_is_one_purchase(tmp_path):
    put_events(tmp_path, day(1), ev("p1", " Purchase ", "2024-01-01T10:00:00Z", sv="2", amount=25))
    put_events(tmp_path, day(2), ev(" p1", "purchase", "2024-01-01T12:00:00+02:00", sv=2, amount=25.0,
                                    currency="usd", extra_field="x"))
    g = gold_tables(tmp_path, day(2))
    assert g["daily_revenue_gross"] == [(day(1), D("25.00"), 1), (day(2), D("0.00"), 0)]


def test_conflict_a_b_a_again_a_wins(tmp_path):
    a = ev("p1", "purchase", "2024-01-01T10:00:00Z", amount=10)
    b = ev("p1", "purchase", "2024-01-01T10:00:00Z", amount=20)
    put_events(tmp_path, day(1), a)
    put_events(tmp_path, day(2), b)
    put_events(tmp_path, day(4), a)
    assert gold_tables(tmp_path, day(4))["daily_revenue_gross"][0] == (day(1), D("10.00"), 1)
    # without day 4 the later B wins
    assert gold_tables(tmp_path, day(2), [day(1), day(2)])["daily_revenue_gross"][0] == (day(1), D("20.00"), 1)
    # ingest_dates given in any order -> same result
    assert gold_tables(tmp_path, day(4), [day(4), day(2), day(1)])["daily_revenue_gross"][0][1] == D("10.00")


def test_conflict_schema_version_beats_ingest_date_and_ts_breaks_same_day(tmp_path):
    put_events(tmp_path, day(1),
               ev("p1", "purchase", "2024-01-01T10:00:00Z", sv=2, amount=10),
               ev("p2", "purchase", "2024-01-02T10:00:00Z", amount=3),
               ev("p2", "purchase", "2024-01-03T10:00:00Z", amount=4))   # same day: later ts wins
    put_events(tmp_path, day(2), ev("p1", "purchase", "2024-01-01T10:00:00Z", sv=1, amount=30))
    g = gold_tables(tmp_path, day(3))
    assert g["daily_revenue_gross"] == [(day(1), D("10.00"), 1), (day(2), D("0.00"), 0), (day(3), D("4.00"), 1)]


def test_quarantined_copy_never_beats_valid_one(tmp_path):
    put_events(tmp_path, day(1), ev("p1", "purchase", "2024-01-01T10:00:00Z", amount=10))
    put_events(tmp_path, day(2),
               ev("p1", "purchase", "2024-01-01T10:00:00Z", amount="x"),
               ev("p1", "purchase", "2024-01-01T10:00:00Z", user=None, amount=50),
               ev("p1", "purchase", "2024-01-01", amount=50))
    assert gold_tables(tmp_path, day(2))["daily_revenue_gross"] == [(day(1), D("10.00"), 1), (day(2), D("0.00"), 0)]


# --------------------------------------------------------------------------- refunds and LTV


def test_refund_capping_attribution_and_orphans(tmp_path):
    put_events(tmp_path, day(4),
               ev("s1", "signup", "2024-01-01T08:00:00Z", user="u1", acquisition_channel="Ads"),
               ev("p1", "purchase", "2024-01-01T09:00:00Z", user="u1", amount=10),
               ev("p2", "purchase", "2024-01-02T09:00:00Z", user="u1", amount=20),
               ev("r1", "refund", "2024-01-03T09:00:00Z", user="u1", amount=6, refers_to_event_id="p1"),
               ev("r2", "refund", "2024-01-04T09:00:00Z", user="u1", amount=5, currency="EUR",
                  refers_to_event_id="p1"),                               # 5.50 -> 11.50 capped at 10
               ev("r3", "refund", "2024-01-03T09:00:00Z", user="u2", amount=5, refers_to_event_id="p2"),
               ev("q1", "purchase", "2024-01-02T09:00:00Z", user="u1", amount=-3),  # quarantined
               ev("r4", "refund", "2024-01-03T09:00:00Z", amount=1, refers_to_event_id="nope"),
               ev("r5", "refund", "2024-01-03T09:00:00Z", amount=1, refers_to_event_id="q1"),
               ev("r6", "refund", "2024-01-03T09:00:00Z", amount=1, refers_to_event_id="s1"),
               ev("r7", "refund", "2024-01-03T09:00:00Z", amount=1))      # no reference: quarantined
    g = gold_tables(tmp_path, day(4))
    assert g["daily_revenue_net"] == [
        (day(1), D("10.00"), D("10.00"), D("0.00")),
        (day(2), D("20.00"), D("5.00"), D("15.00")),
        (day(3), D("0.00"), D("0.00"), D("0.00")),
        (day(4), D("0.00"), D("0.00"), D("0.00")),
    ]
    # the refund r3 sent by u2 belongs to the purchase's user u1; u2 has no signup/purchase
    assert g["ltv_per_user"] == [("u1", "ads", day(1), 2, D("30.00"), D("15.00"), D("15.00"))]


# --------------------------------------------------------------------------- MRR


def test_mrr_one_subscription_per_user_end_exclusive(tmp_path):
    put_subs(tmp_path, day(1),
             sub("s1", "u1", "2024-01-01", 10, end="2024-01-03", status="canceled"),
             sub("s2", "u1", "2024-01-02", 5, currency="eur"),        # 5.50, later start wins
             sub("s3", "u2", "2024-01-02", 20),
             sub("s4", "u2", "2024-01-02", 20, currency="GBP"),       # 25.00, higher price wins
             sub("s5", "u3", "2024-01-01", 1, end="2024-01-02"),      # active on day 1 only
             sub("bad", "u4", "2023-12-01", 100, status="canceled"),  # canceled without end_date
             sub("bad2", "u4", "2023-12-01", 100, end="2023-11-01"))  # end before start
    g = gold_tables(tmp_path, day(4))
    assert g["mrr_daily"] == [
        (day(1), D("11.00"), 2),
        (day(2), D("30.50"), 2),   # u1: s1 and s2 active, s2 (latest start) counts
        (day(3), D("30.50"), 2),
        (day(4), D("30.50"), 2),
    ]
    assert g["mrr_monthly"] == [(MON, D("30.50"))]


def test_mrr_zero_filled_and_monthly_last_day(tmp_path):
    put_subs(tmp_path, day(1),
             sub("a", "u1", "2023-11-20", 10, end="2023-11-22"),
             sub("b", "u1", "2023-11-25", 10, end="2023-12-31"),
             sub("c", "u2", "2023-12-31", 7))
    g = gold_tables(tmp_path, date(2024, 1, 10))
    daily = dict((r[0], (r[1], r[2])) for r in g["mrr_daily"])
    assert min(daily) == date(2023, 11, 20) and max(daily) == date(2024, 1, 10)
    assert len(daily) == 11 + 31 + 10
    assert daily[date(2023, 11, 21)] == (D("10.00"), 1)
    assert daily[date(2023, 11, 22)] == (D("0.00"), 0)
    assert daily[date(2023, 11, 24)] == (D("0.00"), 0)
    assert daily[date(2023, 12, 30)] == (D("10.00"), 1)
    assert daily[date(2023, 12, 31)] == (D("7.00"), 1)
    assert g["mrr_monthly"] == [(date(2023, 11, 1), D("10.00")), (date(2023, 12, 1), D("7.00")),
                                (date(2024, 1, 1), D("7.00"))]


def test_subscription_dedup(tmp_path):
    put_subs(tmp_path, day(1),
             sub("s1", "u1", "2024-01-01", 10),
             sub("s2", "u2", "2024-01-01", 10, created="2024-01-01T05:00:00Z"),
             sub("s2", "u2", "2024-01-01", 10, end="2024-01-02", status="Canceled",
                 created="2024-01-01 05:00:00"))                      # same created_at: canceled wins
    put_subs(tmp_path, day(2),
             sub("s1", "u1", "2024-01-01", 40, created="2023-01-01T00:00:00Z"),  # later ingest wins
             sub("s1", "u1", "2024-01-01", 99, price_bad=1, created="2024-01-01"))  # invalid created_at
    g = gold_tables(tmp_path, day(2))
    assert g["mrr_daily"] == [(day(1), D("50.00"), 2), (day(2), D("40.00"), 1)]


# --------------------------------------------------------------------------- zero-filled ranges


def test_dau_and_revenue_zero_filled_from_own_first_date(tmp_path):
    put_events(tmp_path, day(3),
               ev("e1", "login", "2024-01-01T10:00:00Z", user="u1"),
               ev("e2", "login", "2024-01-03T10:00:00Z", user="u1"),
               ev("e3", "page_view", "2024-01-03T11:00:00Z", user="u1"),
               ev("e4", "login", "2024-01-03T12:00:00Z", user="u2"),
               ev("p1", "purchase", "2024-01-02T10:00:00Z", user="u2", amount=1),
               ev("p2", "purchase", "2024-01-04T10:00:00Z", user="u2", amount=2),
               ev("late", "purchase", "2024-01-09T10:00:00Z", user="u3", amount=3))  # after as_of
    g = gold_tables(tmp_path, day(5))
    assert g["daily_active_users"] == [(day(1), 1), (day(2), 1), (day(3), 2), (day(4), 1), (day(5), 0)]
    assert g["daily_revenue_gross"] == [(day(2), D("1.00"), 1), (day(3), D("0.00"), 0),
                                        (day(4), D("2.00"), 1), (day(5), D("0.00"), 0)]
    # after as_of: no dated row, but it still counts for LTV
    assert ("u3", "unknown", None, 1, D("3.00"), D("0.00"), D("3.00")) in g["ltv_per_user"]


def test_ingest_dates_filter_ignored_files_and_blank_lines(tmp_path):
    put(tmp_path, "events", day(1), "a.json",
        "\n" + json.dumps(ev("e1", "login", "2024-01-01T10:00:00Z", user="u1")) + "\n\n  \n")
    put(tmp_path, "events", day(1), "_SUCCESS", json.dumps(ev("x1", "login", "2024-01-01T10:00:00Z", user="x")))
    put(tmp_path, "events", day(1), ".hidden", json.dumps(ev("x2", "login", "2024-01-01T10:00:00Z", user="y")))
    put_events(tmp_path, day(2), ev("e2", "login", "2024-01-01T11:00:00Z", user="u2"))
    assert gold_tables(tmp_path, day(1))["daily_active_users"] == [(day(1), 2)]
    assert gold_tables(tmp_path, day(1), [day(1)])["daily_active_users"] == [(day(1), 1)]


# --------------------------------------------------------------------------- cohorts


def test_cohort_weeks_from_monday(tmp_path):
    put_events(tmp_path, day(17),
               ev("s1", "signup", "2024-01-03T10:00:00Z", user="u1"),   # Wednesday -> cohort 01-01
               ev("s1b", "signup", "2024-01-10T10:00:00Z", user="u1"),  # second signup: not first
               ev("s2", "signup", "2024-01-07T23:00:00Z", user="u2"),   # Sunday -> cohort 01-01
               ev("s3", "signup", "2024-01-08T00:00:00Z", user="u3"),   # Monday -> cohort 01-08
               ev("l1", "login", "2024-01-09T10:00:00Z", user="u1"),
               ev("l2", "login", "2024-01-15T00:00:00Z", user="u2"),
               ev("l4", "login", "2024-01-02T00:00:00Z", user="u4"))    # no signup: no cohort
    rows = gold_tables(tmp_path, day(17))["weekly_cohort_retention"]   # as_of Wed of week 01-15
    assert rows == [
        (day(1), 0, 2, 2, 1.0),
        (day(1), 1, 2, 1, 0.5),
        (day(1), 2, 2, 1, 0.5),
        (day(8), 0, 1, 1, 1.0),
        (day(8), 1, 1, 0, 0.0),
    ]


# --------------------------------------------------------------------------- CAC and LTV/CAC


def test_cac_by_channel_null_without_conversions(tmp_path):
    put_spend(tmp_path, day(2), [("2024-01-01", "google", 100), ("2024-01-02", " Google ", "50.005"),
                                 ("2024-01-01", "facebook", 30), ("2024-01-01", "", 10),
                                 ("2024-01-01", "tiktok", -5), ("2024/01/01", "tiktok", 5),
                                 ("2024-01-01", "tiktok", "n/a")])
    put_events(tmp_path, day(2),
               ev("s1", "signup", "2024-01-01T10:00:00Z", user="u1", acquisition_channel=" Google "),
               ev("p1", "purchase", "2024-01-01T11:00:00Z", user="u1", amount=20),
               ev("s2", "signup", "2024-01-01T10:00:00Z", user="u2", acquisition_channel="google"),
               ev("t2", "trial_convert", "2024-01-02T10:00:00Z", user="u2"),
               ev("s3", "signup", "2024-01-01T10:00:00Z", user="u3", acquisition_channel="google"),
               ev("p4", "purchase", "2024-01-01T11:00:00Z", user="u4", amount=5),
               ev("s5", "signup", "2024-01-01T10:00:00Z", user="u5"),
               ev("t5", "trial_start", "2024-01-01T11:00:00Z", user="u5"))
    g = gold_tables(tmp_path, day(2))
    assert g["cac_by_channel"] == [
        ("facebook", D("30.00"), 0, None),
        ("google", D("150.01"), 2, D("75.01")),   # 50.005 -> 50.01; 150.01 / 2 = 75.005 -> 75.01
        ("unknown", D("10.00"), 1, D("10.00")),
    ]
    assert g["ltv_cac_ratio"] == [
        ("facebook", 0, None, None, None),
        ("google", 2, D("10.00"), D("75.01"), 10.0 / 75.01),   # u2 ltv 0 (signup, no purchase)
        ("unknown", 1, D("5.00"), D("10.00"), 0.5),
    ]


def test_cac_by_channel_monthly_grid(tmp_path):
    put_spend(tmp_path, date(2024, 3, 10), [("2024-01-15", "google", 100), ("2024-03-01", "google", 40),
                                            ("2024-02-10", "facebook", 20), ("2024-04-01", "google", 60)])
    put_events(tmp_path, date(2024, 3, 10),
               ev("s1", "signup", "2024-01-20T10:00:00Z", user="u1", acquisition_channel="google"),
               ev("t1", "trial_convert", "2024-02-03T10:00:00Z", user="u1"),
               ev("p1", "purchase", "2024-03-05T10:00:00Z", user="u1", amount=9),
               ev("s2", "signup", "2024-02-20T10:00:00Z", user="u2", acquisition_channel="google"),
               ev("p2", "purchase", "2024-03-02T10:00:00Z", user="u2", amount=9))
    g = gold_tables(tmp_path, date(2024, 3, 10))
    jan, feb, mar = date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1)
    assert g["cac_by_channel_monthly"] == [
        (jan, "facebook", D("0.00"), 0, None),
        (jan, "google", D("100.00"), 0, None),
        (feb, "facebook", D("20.00"), 0, None),
        (feb, "google", D("0.00"), 1, D("0.00")),
        (mar, "facebook", D("0.00"), 0, None),
        (mar, "google", D("40.00"), 1, D("40.00")),
    ]
    # spend after as_of still counts in the all-time table
    assert g["cac_by_channel"] == [("facebook", D("20.00"), 0, None), ("google", D("200.00"), 2, D("100.00"))]


def test_spend_later_ingest_replaces_and_last_row_in_file_order(tmp_path):
    put_spend(tmp_path, day(1), [("2024-01-01", "google", 10), ("2024-01-01", "google", 11),
                                 ("2024-01-01", "facebook", 5)], name="a.csv")
    put_spend(tmp_path, day(1), [("2024-01-01", "google", 12)], name="b.csv")
    put_spend(tmp_path, day(2), [("2024-01-01", "facebook", 7), ("2024-01-01", "google", "abc")])
    put_spend(tmp_path, day(3), [("2024-01-01", "google", 999)], name="_SUCCESS")
    put_spend(tmp_path, day(3), [("2024-01-01", "google", 999)], name=".tmp.csv")
    spend = lambda g: {r[0]: r[1] for r in g["cac_by_channel"]}  # noqa: E731
    assert spend(gold_tables(tmp_path, day(3))) == {"facebook": D("7.00"), "google": D("12.00")}
    assert spend(gold_tables(tmp_path, day(1), [day(1)])) == {"facebook": D("5.00"), "google": D("12.00")}
    # within one file the last row wins
    put_spend(tmp_path, day(4), [("2024-01-01", "google", 1), ("2024-01-01", "google", 2)], name="z.csv")
    assert spend(gold_tables(tmp_path, day(4)))["google"] == D("2.00")


def test_ltv_cac_ratio_from_rounded_columns(tmp_path):
    put_spend(tmp_path, day(1), [("2024-01-01", "ads", 10)])
    put_events(tmp_path, day(1),
               *[ev(f"s{i}", "signup", "2024-01-01T10:00:00Z", user=f"u{i}", acquisition_channel="ads")
                 for i in range(3)],
               ev("p0", "purchase", "2024-01-01T11:00:00Z", user="u0", amount=10),
               ev("p1", "purchase", "2024-01-01T11:00:00Z", user="u1", amount=10),
               ev("p2", "purchase", "2024-01-01T11:00:00Z", user="u2", amount=0.01))
    g = gold_tables(tmp_path, day(1))
    # cac 10/3 = 3.333 -> 3.33; mean LTV 20.01/3 = 6.67; ratio of the rounded columns
    assert g["cac_by_channel"] == [("ads", D("10.00"), 3, D("3.33"))]
    [(ch, n, avg, cac_usd, ratio)] = g["ltv_cac_ratio"]
    assert (ch, n, avg, cac_usd) == ("ads", 3, D("6.67"), D("3.33"))
    assert ratio == 6.67 / 3.33 and isinstance(ratio, float)


def test_ratio_null_when_cac_is_zero(tmp_path):
    put_spend(tmp_path, day(1), [("2024-01-01", "free", 0)])
    put_events(tmp_path, day(1),
               ev("s1", "signup", "2024-01-01T10:00:00Z", user="u1", acquisition_channel="free"),
               ev("p1", "purchase", "2024-01-01T11:00:00Z", user="u1", amount=4))
    g = gold_tables(tmp_path, day(1))
    assert g["cac_by_channel"] == [("free", D("0.00"), 1, D("0.00"))]
    assert g["ltv_cac_ratio"] == [("free", 1, D("4.00"), D("0.00"), None)]


def test_empty_landing_gives_empty_tables(tmp_path):
    g = gold_tables(tmp_path, day(1))
    assert set(g) == {"daily_active_users", "daily_revenue_gross", "daily_revenue_net", "mrr_daily",
                      "mrr_monthly", "weekly_cohort_retention", "cac_by_channel", "cac_by_channel_monthly",
                      "ltv_per_user", "ltv_cac_ratio"}
    assert all(rows == [] for rows in g.values())
