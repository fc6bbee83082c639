"""The gold tables of each domain, in dependency order: the one list the gold job, the
quality scan and publication share. A new domain adds its entry here."""
from __future__ import annotations

GOLD_TABLES: dict[str, tuple[str, ...]] = {
    "subscriptions": (
        "daily_active_users",
        "daily_revenue_gross",
        "daily_revenue_net",
        "mrr_daily",
        "mrr_monthly",              # reads gold.mrr_daily
        "weekly_cohort_retention",
        "cac_by_channel",
        "cac_by_channel_monthly",
        "ltv_per_user",
        "ltv_cac_ratio",            # reads gold.cac_by_channel and gold.ltv_per_user
    ),
    "recsys": (
        "training_input",
    ),
}


def gold_tables(domain: str) -> tuple[str, ...]:
    """Qualified names (``gold.<table>``) of a domain's gold tables."""
    return tuple(f"gold.{name}" for name in GOLD_TABLES[domain])
