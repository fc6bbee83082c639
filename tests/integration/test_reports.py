"""The report a CLI run's publication writes: linked from its output, owner-only, and its
numbers are the published gold's (fixture ``postgres_lake``: one generated subscriptions
day through `shoplake run`; no extra pipeline run)."""
from __future__ import annotations

import re
import stat

import pytest

from spark_jobs.reports.page import PLOTLY_JS, chart_traces

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def report(postgres_lake):
    """(path, text) of the page the run linked; the run's only ``report:`` line names it."""
    settings, day = postgres_lake["settings"], postgres_lake["day"]
    path = settings.reports_dir / "subscriptions" / f"{day}.html"
    links = [line for line in postgres_lake["output"].splitlines() if line.startswith("report: ")]
    assert links == [f"report: {path.as_uri()}"], postgres_lake["output"][-2000:]
    return path, path.read_text()


def test_the_daily_active_users_chart_shows_the_published_table(postgres_lake, report):
    from spark_jobs.catalog import load_catalog

    rows = load_catalog(postgres_lake["settings"]).load_table("gold.daily_active_users").scan().to_arrow().to_pylist()
    published = {r["event_date"].isoformat(): r["dau"] for r in rows}
    dau = chart_traces(report[1], "daily-active-users")[0]

    assert published and dict(zip(dau["x"], dau["y"])) == published


def test_the_page_is_owner_only_opens_offline_and_names_no_user(postgres_lake, report):
    path, page = report
    root = postgres_lake["settings"].reports_dir
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE((root / PLOTLY_JS).stat().st_mode) == 0o600
    assert (path.parent / "latest.html").read_text().count("<section") == page.count("<section") == 7
    assert '<script src="../plotly.min.js"></script>' in page and "https://" not in page
    assert not re.search(r"u-\d{6}", page), "a user id in the report"      # the generator's ids: u-000042
    reconciliation = page[page.index('id="run-log-reconciliation"'):]
    assert reconciliation.count("<td>yes</td>") == 6 and "<td>no</td>" not in reconciliation
