"""Per-run HTML reports: what a domain's publication made visible, for a person to look at.

``quality.publish`` calls :func:`write_report` after it moved ``main``: one static page per
domain and run, ``<reports>/<domain>/<first>[_<last>].html`` plus a copy as
``latest.html``, where ``<reports>`` is ``SHOPLAKE_REPORTS`` (default
``<SHOPLAKE_HOME>/reports``). A domain has a report when :data:`BUILDERS` names a module
for it whose ``sections(spark, first_date, last_date)`` reads the lake (aggregates only)
and returns the page's sections; other domains have none.

A report is a view, never a gate: whatever goes wrong while building or writing it is one
line, ``report: not written (<reason>)``, and the publication stands.
"""
from __future__ import annotations

import importlib
from datetime import date, datetime, timezone
from pathlib import Path

# domain → module whose sections(spark, first_date, last_date) builds its report
BUILDERS = {
    "subscriptions": "spark_jobs.reports.subscriptions",
    "recsys": "spark_jobs.reports.recsys",
}


def report_name(first_date: date, last_date: date) -> str:
    """``2026-01-05.html`` for one date, ``2026-01-01_2026-01-30.html`` for a range."""
    return f"{first_date}.html" if first_date == last_date else f"{first_date}_{last_date}.html"


def report_path(root: Path, domain: str, first_date: date, last_date: date) -> Path:
    return root / domain / report_name(first_date, last_date)


def build_page(spark, settings, domain: str, first_date: date, last_date: date) -> Path:
    """Build the domain's sections and write the page and ``latest.html``; returns the page."""
    from spark_jobs.reports.page import copy_private, write_page

    builder = importlib.import_module(BUILDERS[domain])
    from spark_jobs.quality.wap import against_main

    with against_main(spark):   # what the publication just made visible
        sections = builder.sections(spark, first_date, last_date)
    span = str(first_date) if first_date == last_date else f"{first_date} .. {last_date}"
    made = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    path = report_path(settings.reports_dir, domain, first_date, last_date)
    subtitle = (f"Gold as published on main after this run, and the data-quality figures of the ingest dates "
                f"up to {last_date}. Written {made}.")
    write_page(path, f"shoplake {domain}: run of {span}", sections, subtitle=subtitle, root=settings.reports_dir)
    copy_private(path, path.with_name("latest.html"))
    return path


def write_report(spark, settings, domain: str, first_date: date, last_date: date) -> Path | None:
    """The page of a domain's run of ``first_date``..``last_date``, or None: reports are
    off (``SHOPLAKE_REPORTS=off``), the domain has none, or it could not be written (said
    in one line; never raised, so a publication never fails on its report)."""
    if not settings.reports_enabled or domain not in BUILDERS:
        return None
    try:
        return build_page(spark, settings, domain, first_date, last_date).resolve()
    except Exception as error:  # noqa: BLE001 - a report must never fail the publication
        from spark_jobs.java_errors import one_line

        print(f"report: not written ({one_line(error)})", flush=True)
        return None
