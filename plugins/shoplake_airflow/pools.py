"""One Airflow pool per domain, of one slot: a domain's Spark tasks run one at a time,
whether a schedule, a manual trigger or a backfill started their run.

Inside the pool a run's later stages outrank any run's earlier ones (each task's
``priority_weight`` is its place in the chain, ``weight_rule="absolute"``), so a run
that has started goes on to publication before the next run's bronze starts; the
waiting run's tasks show "queued" in the UI with the pool as the reason. The domain lock
(``spark_jobs.domain_lock``) still guards every job started outside Airflow.

    python -m shoplake_airflow.pools      # creates or updates the pools (make airflow, tests)
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile


def domain_pool(name: str) -> str:
    return f"shoplake_{name}"


def pools() -> dict[str, dict]:
    from spark_jobs.registry import domains

    return {domain_pool(name): {"slots": 1, "include_deferred": False,
                                "description": f"one {name} task at a time (shoplake)"} for name in sorted(domains())}


def ensure_pools() -> None:
    """Create or update every domain's pool in the Airflow metadata DB (one CLI call)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json") as file:
        json.dump(pools(), file)
        file.flush()
        done = subprocess.run([sys.executable, "-m", "airflow", "pools", "import", file.name],
                              capture_output=True, text=True)
    if done.returncode != 0:
        last = ((done.stderr or done.stdout).strip().splitlines() or ["no output"])[-1]
        raise SystemExit(f"airflow pools import failed: {last}")


if __name__ == "__main__":
    ensure_pools()
