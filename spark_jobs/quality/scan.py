"""``quality.scan <domain>``: run the domain's SodaCL checks against the audit branch.

Checks live in ``soda/<layer>/<domain>/*.yml`` (layer: silver, ops) and, for each gold
table, in its ``sql/gold/<domain>/<table>.yml`` beside the model. Every table of
the silver, ops and quarantine namespaces, and the domain's gold tables as the ``audit``
branch holds them, are temp views named ``<namespace>_<table>`` (``gold_mrr_daily``,
``silver_events``, ``ops_dq_metrics``). Variables: ``${domain}``, ``${first_date}`` and
``${ingest_date}`` (the dates the run processed, equal for a daily run) and ``${as_of}``. Any failed check or check error fails the job with the failed
checks' names, so publication does not run and readers keep the last good gold.

Each gold table is read at the one audit snapshot it had when the scan began, and only
when every check passed is that snapshot tagged ``scanned``: publication moves main to
exactly the state checked here, whatever was written to ``audit`` since.
"""
from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import yaml
from pyspark.sql import SparkSession

from spark_jobs.config import PROJECT_ROOT, Settings
from spark_jobs.errors import ShoplakeError
from spark_jobs.gold import processed_as_of
from spark_jobs.quality.domains import gold_tables
from spark_jobs.quality.wap import audit_snapshot_id, forget_scan, mark_scanned, read_snapshot
from spark_jobs.registry import domain as declared
from spark_jobs.side_by_side import run_side_by_side

MAIN_NAMESPACES = ("silver", "ops", "quarantine")
DATA_SOURCE = "lake"


class QualityGateFailed(ShoplakeError):
    """The scan found failing checks: gold stays unpublished."""


def check_files(domain: str) -> list[Path]:
    """The domain's SodaCL files (``soda/<layer>/<domain>/``) and its gold tables' ymls
    (``sql/gold/<domain>/``, whose ``checks`` are the checks of ``gold_<table>``)."""
    home = declared(domain).home
    return sorted((home / "soda").glob(f"*/{domain}/*.yml")) + sorted((home / "sql" / "gold" / domain).glob("*.yml"))


def is_gold_spec(path: Path) -> bool:
    return path.parents[1].name == "gold" and path.parents[2].name == "sql"


def sodacl(path: Path) -> str:
    """The SodaCL text of a check file: a soda/ file as it is; a gold table's yml as
    ``checks for gold_<table>:`` and its ``checks``."""
    if is_gold_spec(path):
        checks = yaml.safe_load(path.read_text())["checks"]
        return yaml.safe_dump({f"checks for gold_{path.stem}": checks}, sort_keys=False, width=10_000)
    return path.read_text()


def view_name(table: str) -> str:
    return table.replace(".", "_")


def register_views(spark: SparkSession, domain: str) -> dict[str, int | None]:
    """Temp views Soda can query: main for silver/ops/quarantine, and each of the domain's
    gold tables at its audit snapshot of now. Returns those snapshot ids by table."""
    for namespace in MAIN_NAMESPACES:
        for row in spark.sql(f"SHOW TABLES IN {namespace}").collect():
            table = f"{namespace}.{row['tableName']}"
            spark.table(table).createOrReplaceTempView(view_name(table))
    checked = {table: audit_snapshot_id(spark, table) for table in gold_tables(domain)}
    for table, snapshot_id in checked.items():
        read_snapshot(spark, table, snapshot_id).createOrReplaceTempView(view_name(table))
    return checked


# Soda Core's own config file: both of its keys set, so Soda never rewrites it.
SODA_CONFIG = PROJECT_ROOT / "conf" / "soda_config.yml"


SODA_CONFIG_LOCK = threading.Lock()


def soda_without_telemetry() -> None:
    """Make Soda Core read :data:`SODA_CONFIG`, which turns its usage traces off.

    Without it, Soda writes ``~/.soda/config.yml`` saying ``send_anonymous_usage_stats:
    true`` and sends traces to collect.soda.io from every scan; a lake's quality checks
    have no business calling out. Its config is a process-wide singleton created by the
    first Soda import, so every scan goes through here before importing Soda.

    Under a lock, and called once before scans run side by side: the singleton is
    published before it has read its file, with a YAML parser shared by the module, so
    two threads creating it at once break the parse (``IndexError: string index out of
    range`` from ruamel's reader, seen in a suite run and in a benchmark).
    """
    from soda.common.config_helper import ConfigHelper

    with SODA_CONFIG_LOCK:
        helper = ConfigHelper.get_instance(str(SODA_CONFIG))
    if helper.send_anonymous_usage_stats:
        raise ShoplakeError(f"Soda Core's config ({helper.config_path}) turns usage traces on; "
                            "set send_anonymous_usage_stats: false there")


def soda_scan(spark: SparkSession, files: list[Path], variables: dict[str, str]):
    soda_without_telemetry()
    from soda.scan import Scan

    scan = Scan()
    scan.set_scan_definition_name(f"shoplake_{variables['domain']}")
    scan.set_data_source_name(DATA_SOURCE)
    scan.add_spark_session(spark, data_source_name=DATA_SOURCE)
    scan.add_variables(variables)
    for path in files:
        scan.add_sodacl_yaml_str(sodacl(path), file_name=str(path))
    scan.execute()
    return scan


def failures(scan) -> list[str]:
    """Names of failed checks, plus check errors (an invalid check must not pass silently)."""
    failed = [check.name for check in scan.get_checks_fail()]
    errors = [f"error: {log.message}" for log in scan.get_error_logs()]
    return failed + errors


def freshness_report(spark: SparkSession, domain: str, as_of: date) -> list[str]:
    """One warning per source of the domain that did not deliver on ``as_of``: when it last
    did (or that it never has) and the gold tables built without newer data from it.
    A signal for people, never a gate (see ``quality.domains``)."""
    declaration = declared(domain)
    last = {r[0]: r[1] for r in spark.sql(
        f"SELECT source, max(ingest_date) FROM ops.run_log WHERE domain = '{domain}' AND stage = 'bronze' "
        f"AND files > 0 AND ingest_date <= DATE'{as_of.isoformat()}' GROUP BY source").collect()}
    lines = []
    for source in sorted(s.name for s in declaration.sources):
        seen = last.get(source)
        if seen == as_of:
            continue
        when = f"last delivered {seen}, {(as_of - seen).days} days before as_of {as_of}" if seen \
            else f"has never delivered (as_of {as_of})"
        lines.append(f"freshness warning: {domain}.{source} {when}; "
                     f"built without newer data from it: {', '.join(declaration.readers_of(source))}")
    return lines


def unprocessed_report(spark: SparkSession, settings: Settings, domain: str, ingest_date: date) -> list[str]:
    """One line naming the domain's landing dates that are neither published nor part of
    this run (a run with ``--only``, or dates after this one): the next run catches up on
    those before its own date. A signal, never a gate: runs out of date order are allowed."""
    from spark_jobs.gold import pending_dates
    from spark_jobs.landing_backlog import describe, publications, unprocessed_dates

    published = publications(settings, domain)
    this_run = set(pending_dates(spark, domain, ingest_date))
    waiting = [day for day in unprocessed_dates(settings, domain, published) if day not in this_run]
    if not waiting:
        return []
    before = [day for day in waiting if day < ingest_date]
    return [f"unprocessed landing dates of {domain}: {describe(waiting)} ({len(waiting)}; "
            f"{len(before)} before {ingest_date}, which the next run without --only takes first)"]


RUNS_ONCE_PER_RANGE = True


def run_scan(spark: SparkSession, domain: str, ingest_date: date, first_date: date | None = None,
             settings: Settings | None = None) -> None:
    files = check_files(domain)
    if not files:
        raise ShoplakeError(f"no Soda checks for domain {domain!r} under {declared(domain).home}/soda/*/{domain}/ "
                            f"or sql/gold/{domain}/")
    for table in gold_tables(domain):
        forget_scan(spark, table)   # a failing scan leaves nothing to publish
    # Not cached: each check reads few columns, and column-pruned Parquet scans beat building a cache.
    checked = register_views(spark, domain)
    as_of = processed_as_of(spark, domain, ingest_date)
    variables = {"domain": domain, "ingest_date": ingest_date.isoformat(),
                 "first_date": (first_date or ingest_date).isoformat(), "as_of": as_of.isoformat()}
    # One scan per check file (a file checks one table), side by side: most of a scan is
    # small queries, and one file's queries fill the cores while another's are planned.
    soda_without_telemetry()    # the config singleton, created here before any thread needs it
    scans = run_side_by_side([lambda path=path: soda_scan(spark, [path], variables) for path in files])
    for scan in scans:
        print(scan.get_logs_text())
    for line in freshness_report(spark, domain, as_of):
        print(line)
    for line in unprocessed_report(spark, settings, domain, ingest_date) if settings else []:
        print(line)
    failed = [name for scan in scans for name in failures(scan)]
    if failed:
        raise QualityGateFailed(f"quality gate failed for {domain} {ingest_date}: {'; '.join(failed)}")
    for table, snapshot_id in checked.items():
        if snapshot_id is not None:
            mark_scanned(spark, table, snapshot_id)
    print(f"quality scan {domain} {ingest_date}: {sum(len(scan._checks) for scan in scans)} checks passed")


def run(spark: SparkSession, settings: Settings, ingest_date: date, domain: str,
        first_date: date | None = None) -> None:
    run_scan(spark, domain, ingest_date, first_date, settings)
