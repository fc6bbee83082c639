"""The subscriptions domain: app events, subscriptions and marketing spend → DAU, revenue,
MRR, cohort retention, CAC and LTV (docs/subscriptions.md)."""
from spark_jobs.domain import Domain, GoldTable, Source

EVENTS, SUBSCRIPTIONS, SPEND = "events", "subscriptions", "marketing_spend"

DOMAIN = Domain(
    name="subscriptions",
    description="App events, subscriptions and marketing spend → DAU, revenue, MRR, cohorts, CAC, LTV",
    sources=(
        Source("subscriptions", EVENTS, "ndjson"),
        Source("subscriptions", SUBSCRIPTIONS, "json_array"),
        Source("subscriptions", SPEND, "csv", columns=("date", "channel", "spend")),
    ),
    stages=("silver", "gold"),
    gold=(
        GoldTable("daily_active_users", (EVENTS,)),
        GoldTable("daily_revenue_gross", (EVENTS,)),
        GoldTable("daily_revenue_net", (EVENTS,)),
        GoldTable("mrr_daily", (SUBSCRIPTIONS,)),
        GoldTable("mrr_monthly", (SUBSCRIPTIONS,)),                  # reads gold.mrr_daily
        GoldTable("weekly_cohort_retention", (EVENTS,)),
        GoldTable("cac_by_channel", (EVENTS, SPEND)),
        GoldTable("cac_by_channel_monthly", (EVENTS, SPEND)),
        GoldTable("ltv_per_user", (EVENTS,)),
        GoldTable("ltv_cac_ratio", (EVENTS, SPEND)),                 # reads cac_by_channel and ltv_per_user
    ),
    subject_ids={
        "silver.events": ("user_id",),
        "silver.event_versions": ("user_id",),
        "silver.event_conflicts": ("user_id",),
        "silver.subscriptions": ("user_id",),
        "silver.subscriptions_versions": ("user_id",),
        "gold.ltv_per_user": ("user_id",),
    },
)
