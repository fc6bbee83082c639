"""What ``make demo`` shows for recsys: rows and bytes per training day, and one sample.

    python -m spark_jobs.readers.recsys_summary

Reads the lake through PyIceberg only (no Spark), like the model team's loader.
"""
from __future__ import annotations

import datetime as dt


def main() -> None:
    from spark_jobs.readers.training_loader import training_batches
    from spark_jobs.readers.training_sizes import partition_sizes

    days = partition_sizes()
    if not days:
        print("recsys: gold.training_input is empty")
        return
    print(f"{'dt':<12}{'rows':>8}{'MiB':>9}{'bytes/row':>11}{'files':>7}")
    for d in days:
        day = dt.date(1970, 1, 1) + dt.timedelta(days=d["dt"]) if isinstance(d["dt"], int) else d["dt"]
        print(f"{day!s:<12}{d['rows']:>8}{d['data_bytes'] / 2**20:>9.2f}{d['bytes_per_row']:>11.0f}{d['files']:>7}")
    rows = sum(d["rows"] for d in days)
    total = sum(d["data_bytes"] for d in days)
    print(f"{len(days)} days, {rows} rows in data files, {total / rows:.0f} bytes per row on disk "
          "(rows counts include rows a merge-on-read rebuild superseded, until compaction)")
    last = days[-1]["dt"]
    last = dt.date(1970, 1, 1) + dt.timedelta(days=last) if isinstance(last, int) else last
    batch = next(training_batches(last, batch_size=32, seed=0))
    print(f"sample batch of {last}: impressions {tuple(batch.impressions.shape)}, actions {tuple(batch.actions.shape)}, "
          f"action_types {tuple(batch.action_types.shape)}; first row: item {batch.impressions[0]}, "
          f"history {int((batch.action_types[0] > 0).sum())} actions, first 5 {batch.actions[0][:5].tolist()}")


if __name__ == "__main__":
    main()
