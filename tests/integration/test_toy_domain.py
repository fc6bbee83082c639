"""A domain slots in by declaration: a toy domain outside the repository — one package with
its DOMAIN, a three-line gold job, one source and one SQL model with its yml and DDL — gets
a DAG that passes the integrity checks, a bronze table, a gold table on the audit branch,
a passing scan and a publication, with no change to the platform's code.
"""
from __future__ import annotations

import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from spark_jobs import registry
from spark_jobs.ddl import apply_ddl
from spark_jobs.jobs import run_domain_day

pytestmark = pytest.mark.integration
DAY = date(2026, 5, 4)

FILES = {
    "toyshop/__init__.py": '''
        """A toy shop: orders → orders per day."""
        from pathlib import Path

        from spark_jobs.domain import Domain, GoldTable, Source

        DOMAIN = Domain(name="toy", description="Toy orders → orders per day",
                        sources=(Source("toy", "orders", "ndjson"),), stages=("gold",),
                        gold=(GoldTable("toy_orders_per_day", ("orders",)),),
                        package="toyshop", root=Path(__file__).parent)
    ''',
    "toyshop/gold.py": '''
        from spark_jobs.gold import build_models

        RUNS_ONCE_PER_RANGE = True


        def run(spark, settings, ingest_date, first_date=None):
            build_models(spark, "toy", ingest_date)
    ''',
    "toyshop/sql/gold/toy/toy_orders_per_day.sql": '''
        with orders as (
            select to_date(get_json_object(raw, '$.day')) as order_date
            from bronze.toy_orders
            where ingest_date <= :as_of
        )

        select order_date, count(*) as orders
        from orders
        group by order_date
    ''',
    "toyshop/sql/gold/toy/toy_orders_per_day.yml": '''
        grain: one row per day with orders
        keys: [order_date]
        columns:
          order_date: the day of the orders
          orders: how many orders
        checks:
          - duplicate_count(order_date) = 0:
              name: toy_orders_per_day order_date is unique
          - invalid_count(orders) = 0:
              name: toy_orders_per_day orders are positive
              valid min: 1
    ''',
    "toyshop/iceberg_ddl/gold/toy_orders_per_day.sql": '''
        CREATE TABLE IF NOT EXISTS gold.toy_orders_per_day (order_date DATE, orders BIGINT) USING iceberg
    ''',
    "dags/toy_daily.py": '''
        """### toy_daily
        Toy orders per day."""
        from shoplake_airflow import domain_dag

        dag = domain_dag("toy", doc_md=__doc__)
    ''',
}


@pytest.fixture()
def toy(tmp_path, monkeypatch, spark):
    """The toy domain written under tmp_path and named in SHOPLAKE_DOMAINS; gone afterwards."""
    for name, text in FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("SHOPLAKE_DOMAINS", "toyshop")
    registry.forget()
    yield tmp_path
    for table in ("gold.toy_orders_per_day", "bronze.toy_orders"):
        spark.sql(f"DROP TABLE IF EXISTS {table} PURGE")
    monkeypatch.delenv("SHOPLAKE_DOMAINS")
    registry.forget()
    for module in [m for m in sys.modules if m == "toyshop" or m.startswith("toyshop.")]:
        del sys.modules[module]


def _land(landing: Path, lines: list[str]) -> None:
    folder = landing / "toy" / "orders" / f"ingest_date={DAY.isoformat()}"
    folder.mkdir(parents=True)
    (folder / "orders.ndjson").write_text("\n".join(lines) + "\n")


def test_a_declared_toy_domain_gets_a_dag(toy):
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(toy / "dags"))
    assert bag.import_errors == {}
    dag = bag.dags["toy_daily"]
    expected = ["plan_dates", "bronze", "gold", "scan_publish"]
    assert [dag.get_task(task).application_args[0] for task in expected[1:]] == \
        ["bronze", "toy.gold", "quality.scan+quality.publish"]
    for upstream, downstream in zip(expected, expected[1:]):
        assert upstream in dag.get_task(downstream).upstream_task_ids
    assert dag.description and dag.doc_md and all(task.retries >= 1 for task in dag.tasks)


def test_a_declared_toy_domain_lands_builds_on_audit_scans_and_publishes(toy, spark, settings):
    landing = toy / "landing"
    _land(landing, ['{"day": "2026-05-01"}', '{"day": "2026-05-01"}', '{"day": "2026-05-02"}'])
    apply_ddl(spark)

    run_domain_day(spark, settings.with_overrides(landing=str(landing)), "toy", DAY)

    assert spark.table("bronze.toy_orders").count() == 3
    refs = {r.name: r.snapshot_id
            for r in spark.sql("SELECT name, snapshot_id FROM gold.toy_orders_per_day.refs").collect()}
    assert set(refs) == {"main", "audit", "scanned"}
    assert refs["main"] == refs["scanned"]      # published exactly the state the scan passed
    audit = spark.read.option("branch", "audit").table("gold.toy_orders_per_day")
    published = sorted(tuple(r) for r in spark.table("gold.toy_orders_per_day").collect())
    assert published == [(date(2026, 5, 1), 2), (date(2026, 5, 2), 1)]
    assert sorted(tuple(r) for r in audit.collect()) == published
    scans = spark.sql("SELECT count(*) FROM ops.run_log WHERE domain = 'toy' AND stage = 'publish'").first()[0]
    assert scans == 1      # the scan passed (a failure would have raised), then publication ran
