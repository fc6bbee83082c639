"""The gold tables of each domain, in dependency order, and the landing sources each one is
computed from: the one list the gold job, the quality scan and publication share. A new
domain adds its entry here.

The sources say what a stale source holds back. Freshness is a signal, never a gate: a
source that is late, or has never delivered, is reported with the gold tables that read
it, and every table is still built and published from the data that did arrive (spend
that arrives twice a month, or starts weeks after the events, is normal).
"""
from __future__ import annotations

GOLD_SOURCES: dict[str, dict[str, tuple[str, ...]]] = {
    "subscriptions": {
        "daily_active_users": ("events",),
        "daily_revenue_gross": ("events",),
        "daily_revenue_net": ("events",),
        "mrr_daily": ("subscriptions",),
        "mrr_monthly": ("subscriptions",),                  # reads gold.mrr_daily
        "weekly_cohort_retention": ("events",),
        "cac_by_channel": ("events", "marketing_spend"),
        "cac_by_channel_monthly": ("events", "marketing_spend"),
        "ltv_per_user": ("events",),
        "ltv_cac_ratio": ("events", "marketing_spend"),     # reads gold.cac_by_channel and gold.ltv_per_user
    },
    "recsys": {
        "training_input": ("impressions", "clicks", "add_to_carts", "previous_orders"),
    },
}

GOLD_TABLES: dict[str, tuple[str, ...]] = {domain: tuple(tables) for domain, tables in GOLD_SOURCES.items()}


def gold_tables(domain: str) -> tuple[str, ...]:
    """Qualified names (``gold.<table>``) of a domain's gold tables."""
    return tuple(f"gold.{name}" for name in GOLD_TABLES[domain])


def readers_of(domain: str, source: str) -> tuple[str, ...]:
    """The domain's gold tables computed from ``source``."""
    return tuple(name for name, sources in GOLD_SOURCES[domain].items() if source in sources)
