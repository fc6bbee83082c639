"""The recsys tables, named once: every job, reader and test of the domain refers to these."""
from __future__ import annotations

ACTIONS = "silver.recsys_actions"                         # one row per valid action record
ACTION_CHANGES = "silver.recsys_action_changes"           # customers whose actions an ingest date touched
IMPRESSIONS = "silver.recsys_impressions"                 # every valid carousel delivery
IMPRESSION_CHANGES = "silver.recsys_impression_changes"   # carousels an ingest date delivered or withdrew
STATE = "silver.recsys_customer_history"                  # one folded history per customer
HISTORIES = "silver.recsys_impression_histories"          # (customer, dt) histories gold joins
TRAINING_INPUT = "gold.training_input"
