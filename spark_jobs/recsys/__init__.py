"""The recsys domain: carousel impressions and customer actions → per-impression training
input for the carousel transformer (docs/recsys.md)."""
from spark_jobs.domain import Domain, GoldTable, sources
from spark_jobs.recsys.tables import (ACTION_CHANGES, ACTIONS, HISTORIES, IMPRESSIONS, STATE,
                                      TRAINING_INPUT)

ACTION_SOURCES = ("clicks", "add_to_carts", "previous_orders")

DOMAIN = Domain(
    name="recsys",
    description="Carousel impressions and customer actions → last-1000-action training input",
    sources=sources("recsys", "ndjson_or_parquet", "impressions", *ACTION_SOURCES),
    stages=("silver", "history", "gold"),
    gold=(GoldTable("training_input", ("impressions", *ACTION_SOURCES)),),
    subject_ids={table: ("customer_id",) for table in
                 (ACTIONS, ACTION_CHANGES, IMPRESSIONS, STATE, HISTORIES, TRAINING_INPUT)},
)
