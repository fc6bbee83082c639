"""The gold tables each domain publishes, as the domain declarations state them
(:mod:`spark_jobs.registry`): the one list the gold jobs, the quality scan and
publication share.

Freshness is a signal, never a gate: a source that is late, or has never delivered, is
reported with the gold tables that read it (``GoldTable.sources``), and every table is
still built and published from the data that did arrive (spend that arrives twice a
month, or starts weeks after the events, is normal).
"""
from __future__ import annotations

from spark_jobs.registry import domain, domains


def gold_tables(name: str) -> tuple[str, ...]:
    """Qualified names (``gold.<table>``) of a domain's gold tables, in dependency order."""
    return tuple(g.table for g in domain(name).gold)


def readers_of(name: str, source: str) -> tuple[str, ...]:
    """The domain's gold tables computed from ``source``."""
    return domain(name).readers_of(source)


def source_names(name: str) -> tuple[str, ...]:
    return tuple(s.name for s in domain(name).sources)


GOLD_TABLES: dict[str, tuple[str, ...]] = {name: d.gold_tables for name, d in domains().items()}
