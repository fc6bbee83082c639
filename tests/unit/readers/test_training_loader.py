"""The training loader (spark_jobs/recsys/loader.py): PyIceberg + NumPy, no Spark."""
from __future__ import annotations

import subprocess
import sys
from datetime import date

import numpy as np

DAY = date(2031, 1, 1)  # a day no other test writes


def test_loader_imports_without_pyspark():
    code = "import sys, spark_jobs.readers.training_loader; assert 'pyspark' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0


def test_one_day_is_read_whole_in_shuffled_batches_of_aligned_rows(spark):
    from spark_jobs.readers.training_loader import training_batches

    rows = [(DAY, f"r{i // 10}", i // 10, i % 10, i + 1, False, 1, [i + 1] + [0] * 999, [2] + [0] * 999)
            for i in range(40)]
    spark.createDataFrame(rows, spark.table("gold.training_input").schema).writeTo("gold.training_input").append()
    try:
        batches = list(training_batches(DAY, batch_size=16, shuffle_buffer=16, seed=3))
    finally:  # made-up histories would fail the domain's quality checks in later tests
        spark.sql(f"DELETE FROM gold.training_input WHERE dt = DATE'{DAY.isoformat()}'")
    items = np.concatenate([b.impressions for b in batches])
    assert [len(b) for b in batches] == [16, 16, 8]
    assert sorted(items.tolist()) == list(range(1, 41)) and items.tolist() != list(range(1, 41))
    assert all(b.actions.shape == (len(b), 1000) and b.action_types.shape == (len(b), 1000) for b in batches)
    assert all((b.actions[:, 0] == b.impressions).all() and b.actions.dtype == np.int32 for b in batches)
