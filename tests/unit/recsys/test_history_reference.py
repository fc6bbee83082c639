"""The incremental history equals the common from-scratch computation on tricky data."""
from __future__ import annotations

from datetime import date, datetime, timedelta


def test_incremental_history_equals_from_scratch_history(spark, actions_df, incremental):
    from spark_jobs.recsys.reference import history_from_scratch

    start = datetime(2025, 12, 20)
    rows = [(9, (start + timedelta(minutes=37 * n)).isoformat(sep=" "), 1 + n % 3, n % 40) for n in range(1500)]
    rows += [(9, "2025-12-31 00:00:00", k, i) for k in (1, 2, 3) for i in (5, 3)] * 2  # ties and duplicates
    rows += [(10, "2025-01-06 00:00:00", 3, 1), (10, "2025-01-05 23:59:59", 3, 2)]  # lookback edges
    acts = actions_df(rows)
    wanted = spark.createDataFrame([(c, date(2025, 12, 21) + timedelta(days=d)) for c in (9, 10, 11) for d in range(0, 40, 3)]
                                   + [(10, date(2026, 1, 6)), (10, date(2026, 1, 7))],
                                   "customer_id bigint, dt date")
    got = incremental(acts, wanted, 365)
    assert sorted(got.collect()) == sorted(history_from_scratch(acts, wanted, 365).collect())
