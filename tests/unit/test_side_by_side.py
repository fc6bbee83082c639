"""spark_jobs.side_by_side: steps run in threads, results in order, no step left running."""
import threading
import time

import pytest

from spark_jobs.side_by_side import run_side_by_side


def test_results_come_back_in_step_order():
    assert run_side_by_side([lambda: (time.sleep(0.2), "slow")[1], lambda: "fast"]) == ["slow", "fast"]


def test_steps_run_at_the_same_time():
    both_started = threading.Barrier(2, timeout=5)   # breaks (and fails) unless both wait at once
    assert run_side_by_side([both_started.wait, both_started.wait]) is not None


def test_a_failure_is_raised_after_every_step_finished():
    finished = []

    def fails():
        raise RuntimeError("step one broke")

    def slow():
        time.sleep(0.3)
        finished.append("slow")

    with pytest.raises(RuntimeError, match="step one broke"):
        run_side_by_side([fails, slow])
    assert finished == ["slow"]


def test_spark_jobs_of_two_threads_share_the_application(spark):
    counts = run_side_by_side([lambda: spark.range(1000).count(), lambda: spark.range(10).count()])
    assert counts == [1000, 10]
