"""``privacy.erase <request_id>``: erase one subject from every domain that holds its kind of
identifier, so every table equals a run over all data received without the subject.

In order, holding every domain's lock (the shared tables, quarantine and the run log,
are written by all domains):

1. the subject's salted hash joins the suppression list: from here on bronze drops the
   subject's records, in this erasure's re-runs and in every later run;
2. landing files are rewritten without the subject's records;
3. every ingest date that held one (found in landing, and in the tables: a killed
   erasure finds its dates again there) is re-run through the domain's own jobs, bronze
   to publication, so silver's versions and conflicts, gold's aggregates and
   histories are what they would have been without the subject;
4. rows still naming the subject are deleted (per-subject rows the recomputation does
   not own, ``ops.changed_keys``);
5. the history of every table that held the subject is purged
   (:mod:`spark_jobs.privacy.history`);
6. the verifier searches every reachable object; one row goes to ``privacy.erasure_log``.

Re-running a request repeats what is still needed and changes nothing else.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from spark_jobs.config import Settings
from spark_jobs.domain import Domain
from spark_jobs.domain_lock import domains_lock
from spark_jobs.errors import ShoplakeError
from spark_jobs.local_rows import local_frame
from spark_jobs.maintenance import all_tables
from spark_jobs.merge import RowWrite, write_rows
from spark_jobs.privacy.history import check_refs, purge_history
from spark_jobs.privacy.landing import erase_landing
from spark_jobs.privacy.requests import ERASURE_LOG, Request, lookup, suppress, utc_now
from spark_jobs.privacy.tables import (SubjectColumns, count_naming_rows, delete_naming_rows,
                                       naming_condition, naming_dates, register_subject, subject_columns)
from spark_jobs.registry import domains

TAKES_ITS_OWN_LOCKS = True
LOCK_WAIT_SECONDS = 600


@dataclass
class ErasureReport:
    """What one run of a request did: a row of ``privacy.erasure_log``."""

    request_id: str
    started_at: object = field(default_factory=utc_now)
    finished_at: object = None
    domains: list[str] = field(default_factory=list)
    rows_removed: dict[str, int] = field(default_factory=dict)
    landing_files_rewritten: int = 0
    landing_files_removed: int = 0
    landing_records_removed: int = 0
    days_recomputed: int = 0
    data_files_rewritten: int = 0
    snapshots_expired: int = 0
    orphan_files_removed: int = 0
    objects_scanned: int | None = None
    occurrences_found: int | None = None
    problems: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)     # per step, for benchmarks

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.monotonic() - started

    @property
    def verified(self) -> bool | None:
        return None if self.occurrences_found is None else self.occurrences_found == 0

    def row(self) -> tuple:
        return (self.request_id, self.started_at, self.finished_at, self.domains, self.rows_removed,
                self.landing_files_rewritten, self.landing_files_removed, self.landing_records_removed,
                self.days_recomputed, self.data_files_rewritten, self.snapshots_expired, self.orphan_files_removed,
                self.objects_scanned, self.occurrences_found, self.verified)

    def describe(self) -> str:
        removed = sum(self.rows_removed.values())
        line = (f"erasure {self.request_id}: {removed} rows in {len(self.rows_removed)} tables, "
                f"{self.landing_records_removed} landing records ({self.landing_files_rewritten} files rewritten, "
                f"{self.landing_files_removed} removed), {self.days_recomputed} days recomputed, "
                f"{self.data_files_rewritten} data files rewritten, {self.snapshots_expired} snapshots expired, "
                f"{self.orphan_files_removed} orphan files removed")
        if self.objects_scanned is not None:
            line += f"; verifier: {self.objects_scanned} objects scanned, {self.occurrences_found} occurrences"
        return line


def holders(request: Request) -> list[Domain]:
    """The domains whose tables carry the request's kind of identifier."""
    return [d for d in domains().values() if request.id_kind in d.id_kinds]


def owner_of(table: str, held: list[Domain]) -> str | None:
    for declared in held:
        if table in declared.subject_ids or table in {s.bronze_table for s in declared.sources}:
            return declared.name
    return None


def searched_tables(spark: SparkSession, request: Request, held: list[Domain]) -> list[SubjectColumns]:
    """Every table that can name the subject: declared identifier columns, raw text of the
    holding domains' bronze tables and of quarantine, ``ops.changed_keys``."""
    other_bronze = {s.bronze_table for d in domains().values() if d not in held for s in d.sources}
    found = [subject_columns(spark, t, held, request.id_kind) for t in all_tables(spark)
             if t not in other_bronze and not t.startswith("privacy.")]
    return [f for f in found if f.any]


def dates_in_tables(spark: SparkSession, tables: list[SubjectColumns], request: Request,
                    held: list[Domain]) -> dict[str, set[date]]:
    """domain → ingest dates of rows that name the subject."""
    names = {d.name for d in held}
    dates: dict[str, set[date]] = {}
    for found in tables:
        frame = spark.table(found.table)
        if "ingest_date" not in frame.columns:
            continue
        if "domain" in frame.columns:
            rows = frame.where(naming_condition(spark, found, request.id_kind)).select("domain", "ingest_date").distinct()
            for row in rows.collect():
                if row.domain in names and row.ingest_date is not None:
                    dates.setdefault(row.domain, set()).add(row.ingest_date)
        elif (owner := owner_of(found.table, held)) is not None:
            dates.setdefault(owner, set()).update(naming_dates(spark, found, request.id_kind))
    return dates


def recompute(spark: SparkSession, settings: Settings, dates: dict[str, set[date]], report: ErasureReport) -> None:
    """Re-run each domain's jobs over its affected dates (a failed quality gate leaves gold
    unpublished but does not stop the erasure)."""
    from spark_jobs.jobs import run_domain_range

    for name, days in sorted((name, days) for name, days in dates.items() if days):
        try:
            run_domain_range(spark, settings, name, sorted(days))
        except ShoplakeError as error:
            report.problems.append(f"{name}: {error}")
        report.days_recomputed += len(days)


def write_log(spark: SparkSession, report: ErasureReport) -> None:
    frame = local_frame(spark, [report.row()], spark.table(ERASURE_LOG).schema)
    write_rows(frame, RowWrite(ERASURE_LOG, ("request_id",), update_all=True))   # a map cannot be compared


def erase(spark: SparkSession, settings: Settings, request: Request,
          verify: Callable[[Request], tuple[int, int]] | None = None) -> ErasureReport:
    """Erase the request's subject (the caller holds every domain's lock)."""
    report = ErasureReport(request.request_id)
    held = holders(request)
    report.domains = sorted(d.name for d in held)
    tables = searched_tables(spark, request, held)
    check_refs(spark, [t.table for t in tables])
    previous = spark.table(ERASURE_LOG).where(F.col("request_id") == request.request_id).count() > 0

    with report.step("find"):
        register_subject(spark, request.subject, request.id_kind)
        suppress(spark, request)
        counts = {t.table: count_naming_rows(spark, t, request.id_kind) for t in tables}
        report.rows_removed = {table: n for table, n in counts.items() if n}
        dates = dates_in_tables(spark, tables, request, held)
    with report.step("landing"):
        landing = erase_landing(settings, held, request.subject, request.id_kind)
    report.landing_files_rewritten, report.landing_files_removed = landing.files_rewritten, landing.files_removed
    report.landing_records_removed = landing.records_removed
    for name, days in landing.dates.items():
        dates.setdefault(name, set()).update(days)

    with report.step("recompute"):
        recompute(spark, settings, dates, report)
    with report.step("delete"):
        register_subject(spark, request.subject, request.id_kind)   # the re-run may have replaced the view
        for found in tables:
            delete_naming_rows(spark, found, request.id_kind)
    # Expiry computes the files to delete from a cached frame of the old state while it
    # deletes them; frames the recomputation left cached would crowd it out of memory,
    # and a recomputed partition would read a manifest already deleted.
    spark.catalog.clearCache()
    # A request seen before may have been killed after its deletes: purge every table then.
    with report.step("purge"):
        for found in tables if previous else [t for t in tables if counts[t.table]]:
            purged = purge_history(spark, found.table)
            report.data_files_rewritten += purged.data_files_rewritten
            report.snapshots_expired += purged.snapshots_expired
            report.orphan_files_removed += purged.orphan_files_removed
    if verify is not None:
        with report.step("verify"):
            report.objects_scanned, report.occurrences_found = verify(request)
    report.finished_at = utc_now()
    write_log(spark, report)
    return report


def verifier(settings: Settings) -> Callable[[Request], tuple[int, int]]:
    """The verifier as erase() calls it: (objects scanned, occurrences found)."""
    from spark_jobs.privacy.verify import verify_subject

    def verify(request: Request) -> tuple[int, int]:
        found = verify_subject(settings, request.subject, id_kind=request.id_kind)
        return found.objects_scanned, found.occurrences_found
    return verify


def erase_request(spark: SparkSession, settings: Settings, request_id: str, verify: bool = True,
                  wait_seconds: float = LOCK_WAIT_SECONDS,
                  before: Callable[[], object] | None = None) -> ErasureReport:
    """Erase a registered request holding every domain's lock (``before``: what must happen
    under the lock first, such as registering the request)."""
    with domains_lock(settings, domains(), f"erasure {request_id}", wait_seconds=wait_seconds):
        if before is not None:
            before()
        request = lookup(spark, settings, request_id)
        report = erase(spark, settings, request, verifier(settings) if verify else None)
    print(report.describe(), flush=True)
    for problem in report.problems:
        print(f"erasure {request_id}: warning: {problem}", flush=True)
    return report


def run(spark: SparkSession, settings: Settings, ingest_date: date, request_id: str, *args: str) -> None:
    """The DAG's erase task: the request id is its only argument; the verifier is the next task."""
    erase_request(spark, settings, request_id, verify=False)
