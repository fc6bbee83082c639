"""The gold tables each domain publishes, as the domain declarations state them
(:mod:`spark_jobs.registry`): the one list the gold jobs, the quality scan and
publication share.

Freshness is a signal, never a gate: a source that is late, or has never delivered, is
reported with the gold tables that read it (``GoldTable.sources``), and every table is
still built and published from the data that did arrive (spend that arrives twice a
month, or starts weeks after the events, is normal).
"""
from __future__ import annotations

from spark_jobs.registry import domain


def gold_tables(name: str) -> tuple[str, ...]:
    """Qualified names (``gold.<table>``) of a domain's gold tables, in dependency order."""
    return tuple(g.table for g in domain(name).gold)
