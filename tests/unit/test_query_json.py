"""`shoplake sql --format json`: one object per row, values exact whichever engine answered."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone
from decimal import Decimal

from pyspark.sql import Row

from spark_jobs.query import _json_lines


def test_dates_stay_dates_and_decimals_keep_their_digits():
    text = _json_lines(["month", "mrr_usd"], [(date(2026, 1, 1), Decimal("2380.47")),
                                              (date(2026, 2, 1), Decimal("0.10"))])
    assert [json.loads(line) for line in text.splitlines()] == [
        {"month": "2026-01-01", "mrr_usd": "2380.47"}, {"month": "2026-02-01", "mrr_usd": "0.10"}]


def test_instants_arrays_structs_and_nulls():
    at = datetime(2026, 12, 5, 2, 17, 36, 636000, tzinfo=timezone.utc)
    line = _json_lines(["at", "actions", "item", "missing"],
                       [(at, [3, 2, 0], Row(id=7, price=Decimal("1.5")), None)])
    assert json.loads(line) == {"at": "2026-12-05T02:17:36.636000+00:00", "actions": [3, 2, 0],
                                "item": {"id": 7, "price": "1.5"}, "missing": None}
    assert line.endswith("\n") and line.count("\n") == 1
