"""Bytes on disk of ``gold.training_input`` per day and per training row (PyIceberg, no Spark).

Counts the live data files of each dt partition (their Parquet sizes and record counts);
position-delete files of merge-on-read rewrites are listed separately.
"""
from __future__ import annotations

from collections import defaultdict

from spark_jobs.recsys.tables import TRAINING_INPUT


def partition_sizes(table=None) -> list[dict]:
    """One dict per dt: rows, data_bytes, delete_bytes, bytes_per_row, files."""
    if table is None:
        from spark_jobs.catalog import load_catalog
        table = load_catalog().load_table(TRAINING_INPUT)
    days: dict = defaultdict(lambda: {"rows": 0, "data_bytes": 0, "delete_bytes": 0, "files": 0})
    for task in table.scan().plan_files():
        day = days[task.file.partition[0]]
        day["rows"] += task.file.record_count
        day["data_bytes"] += task.file.file_size_in_bytes
        day["files"] += 1
        day["delete_bytes"] += sum(d.file_size_in_bytes for d in task.delete_files)
    result = []
    for dt, day in sorted(days.items()):
        result.append({"dt": dt, **day, "bytes_per_row": day["data_bytes"] / day["rows"] if day["rows"] else 0.0})
    return result
