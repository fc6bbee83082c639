"""Ingest dates as runs take them: ranges, and stretches of consecutive dates."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from spark_jobs import jobs
from spark_jobs.ingest_dates import consecutive_runs, dates_between


def d(day: int) -> date:
    return date(2026, 3, day)


def test_dates_between_includes_both_ends_and_is_empty_backwards():
    assert dates_between(d(30), d(31)) == [d(30), d(31)]
    assert dates_between(d(2), d(1)) == []


def test_consecutive_runs_sorts_drops_repeats_and_splits_at_gaps():
    assert consecutive_runs([d(5), d(1), d(2), d(9), d(6), d(2)]) == [[d(1), d(2)], [d(5), d(6)], [d(9)]]
    assert consecutive_runs([date(2026, 2, 28), d(1)]) == [[date(2026, 2, 28), d(1)]]
    assert consecutive_runs([]) == []


def test_a_range_job_never_runs_a_date_it_was_not_given(monkeypatch):
    """An erasure's affected dates need not be consecutive: a job that takes a range gets
    one call per stretch, never the dates in between; a per-date job one call per date."""
    calls = []
    ranged = SimpleNamespace(RUNS_ONCE_PER_RANGE=True,
                             run=lambda spark, settings, day, *args, first_date: calls.append((first_date, day, args)))
    monkeypatch.setattr(jobs, "job_module", lambda job: ranged)
    jobs.run_job(None, None, "toy.silver", ["x"], [d(9), d(1), d(2)])
    assert calls == [(d(1), d(2), ("x",)), (d(9), d(9), ("x",))]

    calls.clear()
    daily = SimpleNamespace(run=lambda spark, settings, day, *args: calls.append((day, args)))
    monkeypatch.setattr(jobs, "job_module", lambda job: daily)
    jobs.run_job(None, None, "toy.history", [], [d(1), d(3)])
    assert calls == [(d(1), ()), (d(3), ())]
