"""Every DAG file imports cleanly, fast, and wires exactly its domain's stages."""
import time
from pathlib import Path

import pytest

from spark_jobs.registry import domains

DAG_DIR = Path(__file__).resolve().parents[2] / "dags"
DAG_FILES = sorted(p for p in DAG_DIR.glob("*.py") if not p.name.startswith("_"))


def _dagbag(folder):
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(folder))


@pytest.fixture(scope="module")
def dagbag():
    return _dagbag(DAG_DIR)


def test_there_is_a_dag_file_per_domain():
    assert {p.stem for p in DAG_FILES} >= {f"{name}_daily" for name in domains()}


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}


@pytest.mark.parametrize("path", DAG_FILES, ids=lambda p: p.name)
def test_each_file_parses_in_under_two_seconds(path):
    started = time.perf_counter()
    bag = _dagbag(path)
    assert bag.import_errors == {}
    assert time.perf_counter() - started < 2.0


@pytest.mark.parametrize("domain", sorted(domains()))
def test_domain_dag_runs_its_stages_in_order(dagbag, domain):
    dag = dagbag.dags[f"{domain}_daily"]
    stages = "_".join(domains()[domain].stages)
    expected = ["plan_dates", "bronze", stages, "scan_publish"]
    assert set(dag.task_ids) == set(expected)
    # Every job of the declaration, in order, each exactly once, with its arguments.
    jobs = [(job, *dag.get_task(task).application_args[3:]) for task in expected[1:]
            for job in dag.get_task(task).application_args[0].split("+")]
    assert jobs == [tuple(job) for job in domains()[domain].jobs]
    for upstream, downstream in zip(expected, expected[1:]):
        assert upstream in dag.get_task(downstream).upstream_task_ids


@pytest.mark.parametrize("domain", sorted(domains()))
def test_a_domain_runs_one_task_at_a_time_a_started_run_first(dagbag, domain):
    from shoplake_airflow.pools import domain_pool, pools

    dag = dagbag.dags[f"{domain}_daily"]
    chain = [dag.get_task(task) for task in ("plan_dates", "bronze", "_".join(domains()[domain].stages),
                                              "scan_publish")]
    assert {task.pool for task in chain} == {domain_pool(domain)}
    assert pools()[domain_pool(domain)]["slots"] == 1
    # Weights fixed per task and rising along the chain: a run's next stage outranks any
    # run's earlier stage, so the pool finishes a started run before the next begins.
    weights = [task.priority_weight for task in chain]
    assert weights == sorted(set(weights)), weights
    assert {task.weight_rule for task in chain} == {"absolute"}


@pytest.mark.parametrize("domain", sorted(domains()))
def test_publication_emits_every_gold_table_of_the_domain_as_an_asset(dagbag, domain):
    dag = dagbag.dags[f"{domain}_daily"]
    publish = "scan_publish"
    assert {asset.uri for asset in dag.get_task(publish).outlets} == \
        {f"iceberg://lake/gold/{table}" for table in domains()[domain].gold_tables}
    assert all(not task.outlets for task in dag.tasks if task.task_id != publish)


def test_every_task_retries(dagbag):
    for dag in dagbag.dags.values():
        for task in dag.tasks:
            assert task.retries >= 1, f"{dag.dag_id}.{task.task_id}"


def test_dags_run_one_at_a_time_and_document_themselves(dagbag):
    for dag in dagbag.dags.values():
        assert dag.max_active_runs == 1, dag.dag_id
        assert dag.doc_md and dag.doc_md.strip(), dag.dag_id
        assert dag.description, dag.dag_id


def test_the_erasure_dag_takes_only_a_request_id_and_ends_with_the_verifier(dagbag):
    dag = dagbag.dags["privacy_erasure"]
    assert list(dag.params) == ["request_id"]
    assert [t.task_id for t in dag.leaves] == ["privacy_verify_request"]
    assert dag.get_task("privacy_verify_request").upstream_task_ids == {"privacy_erase"}
    for task in dag.tasks:
        assert task.application_args[-1] == "{{ params.request_id }}"


def test_maintenance_does_not_catch_up(dagbag):
    # Maintenance works on the tables as they are: one run after a pause is enough.
    assert dagbag.dags["maintenance_daily"].catchup is False


def test_maintenance_dag_runs_the_maintenance_job_daily(dagbag):
    dag = dagbag.dags["maintenance_daily"]
    assert dag.task_ids == ["maintenance"]
    assert dag.get_task("maintenance").application_args[0] == "maintenance"
    assert "maintenance" in dag.tags


def test_spark_tasks_use_the_spark_default_connection(dagbag):
    from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

    for dag in dagbag.dags.values():
        for task in dag.tasks:
            if isinstance(task, SparkSubmitOperator):
                assert task._conn_id == "spark_default", task.task_id


@pytest.mark.parametrize("domain", sorted(domains()))
def test_a_domain_dag_catches_up_in_its_next_run_not_in_the_scheduler(dagbag, domain):
    """Enabling a DAG creates one run, not one per day since the start date; every task
    of a run takes the earlier landing dates never published, so nothing is skipped."""
    dag = dagbag.dags[f"{domain}_daily"]
    assert dag.catchup is False
    plan = dag.get_task("plan_dates")
    assert plan.op_kwargs == {"domain": domain, "first": "{{ ds }}", "last": "{{ params.end or ds }}"}
    for task in dag.tasks:
        if task is not plan:
            assert task.application_args[1:3] == ["--dates", "{{ ti.xcom_pull(task_ids='plan_dates') }}"], \
                task.task_id
    assert list(dag.params) == ["end"]


def test_run_ids_start_with_the_ingest_date_the_run_processes():
    import pendulum
    from airflow.timetables.base import DataInterval
    from airflow.utils.types import DagRunType

    from shoplake_airflow.timetable import IngestDateTimetable

    table = IngestDateTimetable()
    clicked = pendulum.datetime(2026, 12, 7, 10, 31, 2)
    # As Airflow infers them: a scheduled/backfill run's logical date starts its interval,
    # a manual run's interval is the day that ends at its logical date.
    day = DataInterval(pendulum.datetime(2026, 1, 15), pendulum.datetime(2026, 1, 16))
    manual = table.infer_manual_data_interval(run_after=pendulum.datetime(2026, 1, 15, 9))
    assert table.generate_run_id(run_type=DagRunType.SCHEDULED, run_after=day.end, data_interval=day) == \
        "scheduled__2026-01-15"
    assert table.generate_run_id(run_type=DagRunType.BACKFILL_JOB, run_after=clicked, data_interval=day) == \
        "backfill__2026-01-15__20261207T103102"
    assert table.generate_run_id(run_type=DagRunType.MANUAL, run_after=clicked, data_interval=manual) == \
        "manual__2026-01-15__20261207T103102"


def test_dags_name_their_owner_and_docs(dagbag):
    for dag in dagbag.dags.values():
        assert dag.owner == "shoplake", dag.dag_id
        assert "**Docs**" in dag.doc_md and "docs/" in dag.doc_md, dag.dag_id


def test_enabling_a_dag_runs_nothing_before_the_next_midnight():
    """The first scheduled run is today's, due at the next midnight; never yesterday's at
    once, ahead of a date a person triggers."""
    import pendulum
    from airflow.timetables.base import TimeRestriction

    from shoplake_airflow.timetable import IngestDateTimetable

    first = IngestDateTimetable().next_dagrun_info(
        last_automated_data_interval=None,
        restriction=TimeRestriction(earliest=pendulum.datetime(2026, 1, 1), latest=None, catchup=False))
    today = pendulum.now("UTC").start_of("day")
    assert first.data_interval.start == today and first.run_after == today.add(days=1)
