"""Landing dates never published: what a daily run catches up on, and ``shoplake status`` lists.

A domain's ingest date D is *unprocessed* when some source of the domain holds a data
file (not a ``_``/``.`` marker) under ``<landing>/<domain>/<source>/ingest_date=D/`` and
ops.run_log has no publication of D for the domain. A run that failed before its
publication leaves its dates unprocessed, so the next run takes them again (re-runs are
idempotent). A run for D (or a range ending at D) also takes every unprocessed date before
D, in date order with its own: a date skipped by the scheduler, a backfill or an outage is
never silently left behind. Dates after D are never taken: triggering a date runs that
date, not the future.

Plain file listing (boto3 or the local file system) and ops.run_log read through
PyIceberg: no Spark, so ``shoplake run`` plans its dates before it starts a JVM, and the
DAGs' ``plan_dates`` task, ``shoplake status`` and the quality scan use the same rule.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from spark_jobs.config import Settings
from spark_jobs.ingest_dates import consecutive_runs
from spark_jobs.registry import domain as declared
from spark_jobs.storage import join, list_files, list_folders

DATE_FOLDER = "ingest_date="
MARKER_PREFIXES = ("_", ".")     # as spark_jobs.landing: markers are never data


def folder_date(name: str) -> date | None:
    """``ingest_date=2026-01-05`` → that date; any other folder name → None."""
    if not name.startswith(DATE_FOLDER):
        return None
    try:
        return date.fromisoformat(name[len(DATE_FOLDER):])
    except ValueError:
        return None


def has_data_file(settings: Settings, folder: str) -> bool:
    """Whether a day folder holds a file that is not a marker (in any subfolder)."""
    prefix = folder.rstrip("/") + "/"
    for uri in list_files(settings, folder):
        inside = uri.split(prefix, 1)[-1]
        if not any(part.startswith(MARKER_PREFIXES) for part in inside.split("/")):
            return True
    return False


def landing_folders(settings: Settings, domain: str) -> dict[date, list[str]]:
    """Every ingest date with a folder in any of the domain's sources, and those folders."""
    folders: dict[date, list[str]] = {}
    for source in declared(domain).sources:
        root = join(settings.landing, domain, source.name)
        for name in list_folders(settings, root):
            day = folder_date(name)
            if day is not None:
                folders.setdefault(day, []).append(join(root, name))
    return folders


def unprocessed_dates(settings: Settings, domain: str, published: Iterable[date],
                      through: date | None = None) -> list[date]:
    """Ingest dates (up to ``through``, if given) with landing data and no publication."""
    done = set(published)
    candidates = {day: folders for day, folders in landing_folders(settings, domain).items()
                  if day not in done and (through is None or day <= through)}
    return sorted(day for day, folders in candidates.items()
                  if any(has_data_file(settings, folder) for folder in folders))


def publications(settings: Settings, domain: str) -> dict[date, datetime]:
    """Published ingest dates of the domain (ops.run_log, stage 'publish') and when each
    was last published."""
    from pyiceberg.exceptions import NoSuchTableError

    from spark_jobs.catalog import load_catalog
    from spark_jobs.errors import ShoplakeError

    try:
        log = load_catalog(settings).load_table("ops.run_log")
    except NoSuchTableError as error:
        raise ShoplakeError("table ops.run_log does not exist: run `shoplake init`") from error
    rows = log.scan(row_filter=f"domain == '{domain}' and stage == 'publish'",
                    selected_fields=("ingest_date", "finished_at")).to_arrow().to_pylist()
    latest: dict[date, datetime] = {}
    for row in rows:
        day, at = row["ingest_date"], row["finished_at"]
        latest[day] = max(at, latest.get(day, at))
    return latest


def with_backlog(settings: Settings, domain: str, days: Sequence[date],
                 published: Iterable[date] | None = None) -> list[date]:
    """``days`` plus every unprocessed date before the last of them, sorted."""
    if published is None:
        published = publications(settings, domain)
    last = max(days)
    backlog = [day for day in unprocessed_dates(settings, domain, published, through=last) if day not in days]
    if backlog:
        print(f"catching up {len(backlog)} unprocessed landing date(s) of {domain} before {last}: "
              f"{describe(backlog)}")
    return sorted({*days, *backlog})


def describe(days: Sequence[date]) -> str:
    """Dates as compact ranges: ``2026-01-03..2026-01-14, 2026-01-16``."""
    return ", ".join(str(run[0]) if len(run) == 1 else f"{run[0]}..{run[-1]}" for run in consecutive_runs(days))


def any_landed(settings: Settings, domain: str, days: Iterable[date]) -> bool:
    """Whether any source of the domain holds a data file for any of ``days``."""
    folders = landing_folders(settings, domain)
    return any(has_data_file(settings, folder) for day in days for folder in folders.get(day, []))


def encode(days: Sequence[date]) -> str:
    """Dates for a command line: ``2026-01-03..2026-01-05,2026-01-09``."""
    return describe(days).replace(", ", ",")


def decode(text: str) -> list[date]:
    """The dates of :func:`encode`'s text, sorted."""
    from spark_jobs.ingest_dates import dates_between

    days: set[date] = set()
    for part in filter(None, (p.strip() for p in text.split(","))):
        first, _, last = part.partition("..")
        days.update(dates_between(date.fromisoformat(first), date.fromisoformat(last or first)))
    return sorted(days)
