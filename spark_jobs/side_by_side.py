"""Run independent steps of one stage side by side in the same Spark application.

A daily run is mostly small Spark jobs and catalog commits. While one step's driver
plans a query, talks to Python or commits a snapshot, the executor cores wait; a second
step running in another thread fills them with its own jobs. Spark schedules the jobs of
several threads of one application together, and PySpark pins each Python thread to a
JVM thread. Only steps that write different tables and read nothing the others write
may run side by side.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from pyspark import inheritable_thread_target

T = TypeVar("T")
# More threads than this only queue more jobs behind the same cores.
MAX_THREADS = 4


def run_side_by_side(steps: Sequence[Callable[[], T]]) -> list[T]:
    """Run ``steps`` in threads; their results in order. Every step finishes before the
    first failure (in step order) is raised, so no step is left writing behind it."""
    if len(steps) <= 1:
        return [step() for step in steps]
    with ThreadPoolExecutor(max_workers=min(len(steps), MAX_THREADS), thread_name_prefix="shoplake-step") as pool:
        futures = [pool.submit(inheritable_thread_target(step)) for step in steps]
    return [future.result() for future in futures]
