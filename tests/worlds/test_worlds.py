"""Fast checks of the hard-case world writers themselves (no Spark)."""
from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from . import recsys, subscriptions

# crosses a month end and a leap day when days=30
START = date(2024, 2, 26)
WRITERS = {"subscriptions": subscriptions.write_world, "recsys": recsys.write_world}

SUBS_TRAPS = {
    # events
    "events.ts_style_Z", "events.ts_style_colon", "events.ts_style_hhmm", "events.ts_style_space",
    "events.ts_style_T", "events.ts_fractional", "events.invalid_timestamp",
    "events.utc_midnight_boundary", "events.offset_moves_utc_date",
    "events.numeric_string_amount", "events.numeric_string_schema_version",
    "events.event_type_case_whitespace", "events.empty_string_user_id",
    "events.empty_string_currency", "events.empty_string_channel", "events.missing_user_id",
    "events.missing_event_id", "events.unknown_event_type", "events.invalid_schema_version",
    "events.invalid_amount", "events.unknown_currency", "events.non_usd_currency",
    "events.half_cent_amount", "events.refund_partial", "events.refund_exceeds_purchase",
    "events.refund_several_of_one_purchase", "events.refund_unknown_purchase",
    "events.refund_of_non_purchase", "events.refund_of_quarantined_purchase",
    "events.refund_missing_reference", "events.refund_of_conflicted_purchase",
    "events.refund_arrives_before_purchase", "events.exact_duplicate_same_file",
    "events.exact_duplicate_across_days", "events.conflict_same_file",
    "events.conflict_across_days", "events.conflict_a_b_a",
    "events.conflict_schema_version_beats_later_ingest", "events.quarantined_copy_of_valid_event",
    "events.late_events", "events.future_events", "events.truncated_json",
    "events.non_object_json", "events.blank_lines", "events.unknown_extra_fields",
    "events.signup_with_channel", "events.signup_without_channel", "events.repeat_signup",
    "events.purchase_without_signup", "events.trial_start", "events.trial_convert",
    "events.cancel", "events.users_active_several_weeks", "events.day_without_folder",
    "events.days_with_two_files", "events.ignored_files",
    # subscriptions
    "subscriptions.overlapping_user_subscriptions", "subscriptions.overlap_later_one_ended",
    "subscriptions.overlap_same_start_price_decides",
    "subscriptions.overlap_same_start_same_price_id_decides", "subscriptions.end_date_null",
    "subscriptions.canceled_with_end_date", "subscriptions.canceled_without_end_date",
    "subscriptions.end_before_start", "subscriptions.end_equals_start",
    "subscriptions.invalid_status", "subscriptions.invalid_price", "subscriptions.unknown_currency",
    "subscriptions.invalid_date", "subscriptions.missing_subscription_id",
    "subscriptions.missing_user_id", "subscriptions.non_object_elements",
    "subscriptions.same_id_twice_in_file", "subscriptions.redelivered_changed_status",
    "subscriptions.redelivered_changed_price_older_created_at",
    "subscriptions.redelivered_identical", "subscriptions.redelivered_invalid",
    "subscriptions.file_not_a_json_array", "subscriptions.file_truncated",
    "subscriptions.multiline_json_file", "subscriptions.empty_array_file",
    # marketing_spend
    "spend.first_delivery_day_index", "spend.dates_before_first_delivery",
    "spend.restated_by_later_ingest", "spend.restated_by_later_file_same_day",
    "spend.same_key_twice_in_file", "spend.same_key_twice_last_row_invalid",
    "spend.missing_channel", "spend.negative_spend", "spend.non_numeric_spend",
    "spend.missing_spend", "spend.invalid_date", "spend.channel_day_gaps", "spend.half_cent_spend",
}
RECSYS_TRAPS = {
    "edge_at_window_start_inside", "edge_plus_1s_inside", "edge_minus_1s_outside",
    "edge_minus_1us_outside", "edge_just_before_dt_inside", "edge_at_dt_midnight_excluded",
    "late_action_rebuilds_built_dt", "gap_customer_latest_action_days_before_dt",
    "customer_only_very_old_actions", "backfill_edge_null_time_fallback_inside",
    "backfill_edge_day_before_outside", "late_actions", "late_impressions",
    "action_line_twice_in_file", "action_line_redelivered_later_day",
    "tie_order_cart_click_same_ts", "tie_same_ts_type_different_items", "tie_via_time_fallback",
    "missing_time_fallback", "missing_time_bad_fallback", "order_null_occurred_at",
    "numeric_string_ids", "ts_style_Z", "ts_style_colon", "ts_style_hhmm", "ts_style_space",
    "ts_style_T", "ts_fractional", "corrupted_lines", "missing_customer_id", "missing_item_id",
    "invalid_timestamp", "missing_ranking_id", "invalid_dt", "invalid_impressions",
    "impression_missing_customer_id", "carousel_redelivered_fewer_items",
    "carousel_redelivered_empty", "carousel_redelivered_null",
    "carousel_twice_same_day_two_files", "carousel_twice_same_file",
    "carousel_redelivered_invalid", "same_ranking_id_other_dt",
    "previous_orders_first_day_index", "backfill_orders", "heavy_customer_actions_in_window",
    "customer_without_history", "customer_only_same_day_actions", "int64_customer_id",
    "action_invalid_dt_valid_time", "unknown_extra_fields",
}
REQUIRED = {"subscriptions": SUBS_TRAPS, "recsys": RECSYS_TRAPS}


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def ingest_days(root: Path, domain: str, source: str) -> list[date]:
    base = root / domain / source
    if not base.exists():
        return []
    return sorted(date.fromisoformat(p.name.split("=", 1)[1]) for p in base.iterdir()
                  if p.is_dir() and p.name.startswith("ingest_date="))


@pytest.mark.parametrize("days", [4, 30])
@pytest.mark.parametrize("name", sorted(WRITERS))
def test_same_seed_same_bytes(tmp_path, name, days):
    a = WRITERS[name](tmp_path / "a", START, days, 11)
    b = WRITERS[name](tmp_path / "b", START, days, 11)
    assert a == b
    sa, sb = snapshot(tmp_path / "a"), snapshot(tmp_path / "b")
    assert sa and sa == sb


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_different_seed_different_files(tmp_path, name):
    WRITERS[name](tmp_path / "a", START, 4, 1)
    WRITERS[name](tmp_path / "b", START, 4, 2)
    sa, sb = snapshot(tmp_path / "a"), snapshot(tmp_path / "b")
    common = set(sa) & set(sb)
    assert any(sa[k] != sb[k] for k in common) or set(sa) != set(sb)
    data_files = [k for k in common if k.endswith((".ndjson", ".json", ".csv"))]
    assert sum(sa[k] != sb[k] for k in data_files) >= len(data_files) // 2


@pytest.mark.parametrize("days", [4, 30])
@pytest.mark.parametrize("name", sorted(WRITERS))
def test_every_trap_written(tmp_path, name, days):
    counts = WRITERS[name](tmp_path, START, days, 5)
    missing = REQUIRED[name] - set(counts)
    assert not missing, f"traps never written: {sorted(missing)}"
    zero = sorted(k for k, v in counts.items() if v <= 0)
    assert not zero, f"trap counts not > 0: {zero}"


@pytest.mark.parametrize("days", [4, 30])
def test_late_start_sources_have_no_folder_before_their_first_day(tmp_path, days):
    subscriptions.write_world(tmp_path, START, days, 3)
    recsys.write_world(tmp_path, START, days, 3)
    first_spend = START + timedelta(days=subscriptions.spend_first_day(days))
    spend = ingest_days(tmp_path, "subscriptions", "marketing_spend")
    assert spend and spend[0] == first_spend
    assert [(d - START).days for d in spend] == subscriptions.spend_delivery_days(days)
    assert len(spend) >= 2          # a later delivery restates rows
    first_orders = START + timedelta(days=recsys.previous_orders_first_day(days))
    orders = ingest_days(tmp_path, "recsys", "previous_orders")
    assert orders and orders[0] == first_orders
    # the other sources arrive from day 0; events skip exactly one day (not the first)
    for source in ("impressions", "clicks", "add_to_carts"):
        assert ingest_days(tmp_path, "recsys", source)[0] == START
    events = ingest_days(tmp_path, "subscriptions", "events")
    assert events[0] == START
    all_days = {START + timedelta(days=i) for i in range(days)}
    gaps = sorted(all_days - set(events))
    assert len(gaps) == 1 and gaps[0] != START
    assert not (tmp_path / "subscriptions" / "events" / f"ingest_date={gaps[0]}").exists()


@pytest.mark.parametrize("days", [4, 30])
def test_impression_dts_are_world_days_at_most_three_days_old(tmp_path, days):
    recsys.write_world(tmp_path, START, days, 8)
    world = {START + timedelta(days=i) for i in range(days)}
    checked = 0
    for f in (tmp_path / "recsys" / "impressions").rglob("*.ndjson"):
        ingest = date.fromisoformat(f.parent.name.split("=", 1)[1])
        for line in f.read_text().splitlines():
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if not isinstance(obj, dict) or not isinstance(obj.get("dt"), str):
                continue
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", obj["dt"]):
                continue
            try:
                dt = date.fromisoformat(obj["dt"])
            except ValueError:
                continue
            assert dt in world and 0 <= (ingest - dt).days <= 3, (f.name, line)
            checked += 1
    assert checked > 0


def test_file_shapes_and_volumes(tmp_path):
    subscriptions.write_world(tmp_path, START, 30, 4, events_per_day=120)
    for f in (tmp_path / "subscriptions" / "marketing_spend").rglob("*.csv"):
        assert f.read_text().startswith("date,channel,spend\n")
    for f in (tmp_path / "subscriptions" / "subscriptions").rglob("*.json"):
        assert not f.name.startswith(("_", "."))
    per_day: dict[str, int] = {}
    users = set()
    for f in (tmp_path / "subscriptions" / "events").rglob("*.ndjson"):
        lines = f.read_text().splitlines()
        per_day[f.parent.name] = per_day.get(f.parent.name, 0) + len(lines)
        for line in lines:
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if isinstance(obj, dict) and isinstance(obj.get("user_id"), str) and obj["user_id"].strip():
                users.add(obj["user_id"].strip())
    assert all(80 <= n <= 200 for n in per_day.values()), per_day
    assert 30 <= len(users) <= 45
