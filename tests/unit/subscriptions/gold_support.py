"""Small silver fixtures for the gold model tests: rows are written to the real silver
Iceberg tables (one overwrite commit per table) and a model is computed for an as_of."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from pyspark.sql import functions as F

from spark_jobs.gold import GoldModel, merge_model, model_frame

DOMAIN = "subscriptions"


_written: dict[str, tuple] = {}   # table -> (rows, snapshot id) of our last write


@pytest.fixture(autouse=True)
def one_shuffle_partition(spark):
    """Tiny inputs: one shuffle partition keeps each model query quick."""
    before = spark.conf.get("spark.sql.shuffle.partitions")
    spark.conf.set("spark.sql.shuffle.partitions", "1")
    yield
    spark.conf.set("spark.sql.shuffle.partitions", before)


def _snapshot(spark, table: str):
    row = spark.sql(f"SELECT snapshot_id FROM {table}.refs WHERE name = 'main'").first()
    return row and row[0]


def put(spark, table: str, rows: list[dict]) -> None:
    """Replace the whole table with ``rows`` (missing columns are null); skipped when the
    table still holds exactly our previous write of the same rows."""
    schema = spark.table(table).schema
    data = [tuple(row.get(f.name) for f in schema.fields) for row in rows]
    if _written.get(table) == (data, _snapshot(spark, table)):
        return
    spark.createDataFrame(data, schema).writeTo(table).overwrite(F.lit(True))
    _written[table] = (data, _snapshot(spark, table))


def event(event_id: str, user_id: str, event_type: str, ts: str, amount_usd=None, refers_to=None,
          channel=None) -> dict:
    moment = datetime.fromisoformat(ts)
    return {"event_id": event_id, "user_id": user_id, "event_type": event_type, "event_ts": moment,
            "event_date": moment.date(), "schema_version": 2,
            "amount_usd": None if amount_usd is None else Decimal(str(amount_usd)),
            "refers_to_event_id": refers_to,
            "acquisition_channel": (channel or "unknown") if event_type == "signup" else None}


def subscription(sub_id: str, user_id: str, price_usd, start: str, end: str | None = None) -> dict:
    return {"subscription_id": sub_id, "user_id": user_id, "price_usd": Decimal(str(price_usd)),
            "start_date": date.fromisoformat(start), "end_date": end and date.fromisoformat(end),
            "status": "canceled" if end else "active"}


def spend(day: str, channel: str, usd) -> dict:
    return {"spend_date": date.fromisoformat(day), "channel": channel, "spend_usd": Decimal(str(usd))}


def silver(spark, events=(), subscriptions=(), marketing_spend=()) -> None:
    put(spark, "silver.events", list(events))
    put(spark, "silver.event_conflicts", [])
    put(spark, "silver.subscriptions", list(subscriptions))
    put(spark, "silver.marketing_spend", list(marketing_spend))


def model(name: str) -> GoldModel:
    return GoldModel.declared(DOMAIN, name)


def compute(spark, name: str, as_of: str) -> list[dict]:
    """The model's rows for ``as_of`` as dicts, in key order."""
    frame = model_frame(spark, model(name), date.fromisoformat(as_of))
    return [r.asDict() for r in frame.orderBy(*frame.columns[:2]).collect()]


def materialise(spark, name: str, as_of: str) -> None:
    """Write a model wholly to its gold table (main), for models that read other gold tables."""
    merge_model(spark, model(name), date.fromisoformat(as_of), None)


def by(rows: list[dict], key: str) -> dict:
    return {r[key]: r for r in rows}
