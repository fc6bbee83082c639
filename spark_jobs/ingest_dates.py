"""Ingest dates as a run takes them: a range is every date from its first to its last."""
from __future__ import annotations

from datetime import date, timedelta


def dates_between(first: date, last: date) -> list[date]:
    """``first`` .. ``last``, both included (empty when ``last`` is before ``first``)."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
