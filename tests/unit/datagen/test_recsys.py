"""The recsys generator plants every trap of the spec, deterministically."""
from __future__ import annotations

from spark_jobs.config import load_settings

TRAPS = {"late_action", "duplicate_action", "tie_same_timestamp", "null_time_fallback", "same_day_action",
         "customer_over_1000_actions", "action_at_lookback_boundary", "action_just_outside_lookback",
         "action_invalid_json", "action_missing_customer_id", "action_missing_item_id", "action_invalid_timestamp",
         "action_missing_time_and_date", "late_impression", "redelivered_shorter", "redelivered_empty_or_null",
         "redelivered_same_day", "empty_impressions", "customer_without_history", "impression_invalid_json",
         "impression_missing_ranking_id", "impression_missing_customer_id", "impression_invalid_date",
         "impression_invalid_impressions", "parquet_file"}


def test_every_trap_is_planted_and_runs_are_deterministic(tmp_path):
    from spark_jobs.datagen.recsys import generate

    first = generate(load_settings(), str(tmp_path / "a"), days=4, seed=3, customers=20, actions_per_day=30)
    again = generate(load_settings(), str(tmp_path / "b"), days=4, seed=3, customers=20, actions_per_day=30)
    assert {k for k, v in first.items() if v > 0} >= TRAPS
    assert first == again
    files = sorted(p.relative_to(tmp_path / "a").as_posix() for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "b").as_posix() for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert any(f.endswith(".parquet") for f in files) and any(f.endswith("_SUCCESS") for f in files)
