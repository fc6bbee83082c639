"""A run killed right after an Iceberg commit, then re-run, leaves the tables an
uninterrupted run leaves.

Each domain's hard-case world (``tests/worlds``) is landed and run with
``shoplake run <domain> --date D --to D2`` as a subprocess (``fault_injection``): once
uninterrupted, and once per kill point — SIGKILL of the process group right after
commit k, seen in the catalog from outside, then the same command again to completion.
Every table of every namespace (ops.* included) must then equal the uninterrupted run's,
except the columns that record when or by which run a row was written
(``fault_injection.RUN_COLUMNS``) and ``ops.changed_keys``, a work list for gold whose
slices only grow: it must hold every key of the uninterrupted run.

The default suite kills a two-day subscriptions run in silver; ``-m slow`` kills it in
gold, a two-day recsys run in silver, and a one-day run of each domain after every commit
in turn.
Unreferenced files left behind by the kills are counted and printed (a later issue
removes them).
"""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from fault_injection import Lake, differences, fresh_lake, init_template, orphan_files, shoplake, table_contents
from worlds import recsys as recsys_world
from worlds import subscriptions as subscriptions_world

pytestmark = pytest.mark.integration
START = date(2026, 2, 2)
WORLDS = {"subscriptions": lambda landing, days: subscriptions_world.write_world(landing, START, days, 2024),
          "recsys": lambda landing, days: recsys_world.write_world(landing, START, days, 2024, lookback_days=365)}
# Work lists whose slices only grow (a killed attempt's rows stay): compared as "holds
# every row of the uninterrupted run".
GROWING = ("ops.changed_keys",)


class Trials:
    """One domain's landed world, its template lake and its uninterrupted run."""

    def __init__(self, root: Path, domain: str, days: int):
        self.domain = domain
        self.args = ("run", domain, "--date", START.isoformat(), "--to", (START + timedelta(days=days - 1)).isoformat())
        self.lake = Lake(root / "lake", root / "landing")
        self.template = root / "template"
        WORLDS[domain](self.lake.landing, days)
        init_template(self.lake, self.template)
        fresh_lake(self.lake, self.template)
        clean = shoplake(self.lake, *self.args)
        assert clean.returncode == 0, clean.stderr[-3000:]
        self.commits = clean.commits
        self.expected = table_contents(self.lake)

    def killed_after(self, k: int) -> tuple[dict[str, str], int]:
        """Kill after commit k, re-run; returns (differing tables, orphan files after the kill)."""
        fresh_lake(self.lake, self.template)
        killed = shoplake(self.lake, *self.args, kill_after=k)
        assert killed.killed, f"{self.domain}: the run ended after {len(killed.commits)} commits, before commit {k}"
        orphans = len(orphan_files(self.lake))
        rerun = shoplake(self.lake, *self.args)
        assert rerun.returncode == 0, rerun.stderr[-3000:]
        return differences(table_contents(self.lake), self.expected, growing=GROWING), orphans

    def check(self, kill_points: list[int]) -> None:
        failures = {}
        for k in kill_points:
            differ, orphans = self.killed_after(k)
            print(f"{self.domain}: killed after commit {k}/{len(self.commits)} ({self.commits[k - 1]}): "
                  f"{len(self.expected)} tables compared, {len(differ)} differ, {orphans} orphan files")
            if differ:
                failures[f"after commit {k} ({self.commits[k - 1]})"] = differ
        assert not failures, f"{self.domain}: killed and re-run lakes differ from the uninterrupted run: {failures}"


def nth_commit_of(commits: list[str], table: str, n: int) -> int:
    """The position (1-based) of the n-th commit of ``table``."""
    positions = [i for i, t in enumerate(commits, 1) if t == table]
    assert len(positions) >= n, f"{table} was committed {len(positions)} times, not {n}: {commits}"
    return positions[n - 1]


@pytest.fixture(scope="module")
def subscriptions_trials(tmp_path_factory) -> Trials:
    return Trials(tmp_path_factory.mktemp("fault-subscriptions"), "subscriptions", days=2)


@pytest.fixture(scope="module")
def recsys_trials(tmp_path_factory) -> Trials:
    return Trials(tmp_path_factory.mktemp("fault-recsys"), "recsys", days=2)


def test_subscriptions_killed_in_silver_converges(subscriptions_trials):
    # the range's silver versions committed (one commit for both days), its quarantine,
    # figures and run log not yet written
    subscriptions_trials.check([nth_commit_of(subscriptions_trials.commits, "silver.event_versions", 1)])


@pytest.mark.slow   # a kill between audit write and publish; the default suite kills in silver
def test_subscriptions_killed_in_gold_converges(subscriptions_trials):
    # a gold table written to the audit branch but not yet published
    subscriptions_trials.check([nth_commit_of(subscriptions_trials.commits, "gold.ltv_per_user", 2)])


@pytest.mark.slow    # the default suite covers recsys crash recovery in test_removed_records.py
def test_recsys_killed_after_a_silver_slice_converges(recsys_trials):
    # the range's actions slices committed (one commit for both days), history and gold not yet built
    recsys_trials.check([nth_commit_of(recsys_trials.commits, "silver.recsys_actions", 1)])


@pytest.mark.slow
@pytest.mark.parametrize("domain", ["subscriptions", "recsys"])
def test_a_day_killed_after_every_commit_in_turn_converges(tmp_path_factory, domain):
    trials = Trials(tmp_path_factory.mktemp(f"fault-every-{domain}"), domain, days=1)
    trials.check(list(range(1, len(trials.commits) + 1)))
