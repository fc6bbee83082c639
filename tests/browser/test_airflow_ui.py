"""The Airflow UI as a person uses it, in a real browser: log in to Airflow as
``make airflow`` runs it, trigger one date of subscriptions_daily from the trigger
dialog, trigger the next date while it runs and see that run wait, watch the first
succeed, and open its report from the path its publish task logs.

Playwright drives Debian's chromium (``executable_path``; never ``playwright install``).
Screenshots of every step are kept in ``test-artifacts/airflow-ui/`` (or
``SHOPLAKE_TEST_ARTIFACTS``), with the seconds from the trigger click to success. Slow:
one lake, one Airflow start, two daily runs.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from spark_jobs.config import PROJECT_ROOT

pytestmark = [pytest.mark.integration, pytest.mark.slow]
DAG_ID = "subscriptions_daily"
DAY1, DAY2, DAY3 = "2026-01-01", "2026-01-02", "2026-01-03"
ARTIFACTS = Path(os.environ.get("SHOPLAKE_TEST_ARTIFACTS", PROJECT_ROOT / "test-artifacts")) / "airflow-ui"
REPORT_LINE = re.compile(r"report: (file://\S+\.html)")


def chromium() -> str:
    found = shutil.which(os.environ.get("SHOPLAKE_CHROMIUM", "chromium"))
    if not found:
        pytest.fail("chromium is not installed (make setup installs Debian's; or set SHOPLAKE_CHROMIUM)")
    return found


@pytest.fixture(scope="module")
def lake(tmp_path_factory) -> dict[str, str]:
    """Three generated days in a local-directory lake, the first already published (a
    lake that has run before), with reports on."""
    base = tmp_path_factory.mktemp("browser-lake")
    env = {"SHOPLAKE_HOME": str(base / "home"), "SHOPLAKE_WAREHOUSE": (base / "warehouse").as_uri(),
           "SHOPLAKE_LANDING": str(base / "landing"), "SHOPLAKE_REPORTS": str(base / "reports")}
    (base / "home").mkdir()
    for args in (["init"], ["generate", "subscriptions", "--days", "3", "--seed", "5", "--start", DAY1],
                 ["run", "subscriptions", "--date", DAY1]):
        done = subprocess.run([sys.executable, "-m", "spark_jobs.cli", *args], env={**os.environ, **env},
                              capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, f"shoplake {' '.join(args)}: {done.stderr[-2000:]}"
    return env


@pytest.fixture(scope="module")
def airflow(lake, tmp_path_factory):
    from spark_jobs.local_airflow import local_airflow

    with local_airflow(tmp_path_factory.mktemp("browser-airflow"), lake) as server:
        yield server


@pytest.fixture(scope="module")
def page(airflow):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.set_default_timeout(60_000)
        yield page
        browser.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def log_in(page, airflow) -> None:
    page.goto(airflow.url)
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(airflow.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"^(?!.*login).*$"))


def open_trigger_dialog(page, airflow, day: str):
    """The DAG page's trigger dialog with its logical date set to ``day`` 00:00 UTC."""
    page.goto(f"{airflow.url}/dags/{DAG_ID}")
    page.get_by_role("button", name="Trigger").first.click()
    dialog = page.get_by_role("dialog").first
    dialog.get_by_test_id("datetime-input").click()
    picker = page.locator("[data-scope=popover][data-part=content] input")   # date, then time
    picker.nth(0).fill(day.replace("-", "/"))
    picker.nth(0).press("Enter")
    picker.nth(1).fill("00:00")
    picker.nth(1).press("Enter")
    dialog.get_by_text("Trigger Dag").click()     # closes the date picker
    assert dialog.get_by_test_id("datetime-input").inner_text().startswith(
        time.strftime("%b %d, %Y", time.strptime(day, "%Y-%m-%d")))
    return dialog


def runs_by_date(airflow) -> dict[str, dict]:
    runs = airflow.api("GET", f"dags/{DAG_ID}/dagRuns?run_type=manual")["dag_runs"]
    return {run["logical_date"][:10]: run for run in runs}


def wait_for(condition, what: str, timeout: float = 1800):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(2)
    pytest.fail(f"{what} within {timeout:.0f} s")


def test_trigger_a_date_watch_the_next_wait_see_success_and_open_the_report(airflow, page):
    log_in(page, airflow)
    page.goto(f"{airflow.url}/dags/{DAG_ID}")
    page.get_by_text("plan_dates").first.wait_for()
    shot(page, "1-dag")

    dialog = open_trigger_dialog(page, airflow, DAY2)
    unpause = dialog.get_by_role("checkbox")          # the DAG starts paused: unpause on trigger
    assert unpause.count() == 1 and unpause.is_checked()
    shot(page, "2-trigger-dialog")
    clicked = time.monotonic()
    dialog.get_by_role("button", name="Trigger").click()
    first = wait_for(lambda: runs_by_date(airflow).get(DAY2), f"no run of {DAY2} was created")
    assert first["dag_run_id"].startswith(f"manual__{DAY2}__"), first["dag_run_id"]

    # A second date while the first runs: its run waits, shown as queued.
    dialog = open_trigger_dialog(page, airflow, DAY3)
    dialog.get_by_role("button", name="Trigger").click()
    second = wait_for(lambda: runs_by_date(airflow).get(DAY3), f"no run of {DAY3} was created")
    page.goto(f"{airflow.url}/dags/{DAG_ID}/runs/{second['dag_run_id']}")
    if airflow.api("GET", f"dags/{DAG_ID}/dagRuns/{first['dag_run_id']}")["state"] == "running":
        page.get_by_text("Queued").first.wait_for()
        shot(page, "3-second-run-waits")

    done = wait_for(lambda: (run := airflow.api("GET", f"dags/{DAG_ID}/dagRuns/{first['dag_run_id']}"))
                    ["state"] in ("success", "failed") and run, f"the run of {DAY2} did not finish")
    seconds = time.monotonic() - clicked
    assert done["state"] == "success", done
    (ARTIFACTS / "trigger-to-success.txt").write_text(f"{seconds:.1f} s from the trigger click to success "
                                                     f"of {done['dag_run_id']}\n")
    print(f"trigger to success through the UI: {seconds:.1f} s")
    started_second = airflow.api("GET", f"dags/{DAG_ID}/dagRuns/{second['dag_run_id']}")["start_date"]
    assert started_second is None or started_second >= done["end_date"], "the second run did not wait"

    page.goto(f"{airflow.url}/dags/{DAG_ID}/runs/{done['dag_run_id']}")
    page.get_by_text("Success").first.wait_for()
    shot(page, "4-run-succeeded")

    page.goto(f"{airflow.url}/dags/{DAG_ID}/runs/{done['dag_run_id']}/tasks/scan_publish")
    line = page.get_by_text(REPORT_LINE).first
    line.wait_for()
    line.scroll_into_view_if_needed()
    shot(page, "5-publish-log")
    report = REPORT_LINE.search(line.inner_text()).group(1)
    assert report.endswith(f"/subscriptions/{DAY2}.html"), report

    page.goto(report)
    charts = page.locator(".plotly-graph-div")
    charts.first.wait_for()
    assert charts.count() >= 5
    for heading in ("Daily active users", "Revenue", "Monthly recurring revenue", "Weekly cohort retention",
                    "Quarantine by reason", "Run-log reconciliation"):
        page.get_by_role("heading", name=heading).first.wait_for()
    shot(page, "6-report")

    wait_for(lambda: airflow.api("GET", f"dags/{DAG_ID}/dagRuns/{second['dag_run_id']}")["state"]
             in ("success", "failed"), f"the run of {DAY3} did not finish")


def test_the_backfill_form_is_reachable(airflow, page):
    """For docs/operations.md: the backfill form of the same dialog (not submitted)."""
    page.goto(f"{airflow.url}/dags/{DAG_ID}")
    page.get_by_role("button", name="Trigger").first.click()
    dialog = page.get_by_role("dialog").first
    dialog.get_by_text("Backfill", exact=True).click()
    dialog.get_by_text("Run Backfill").first.wait_for()
    shot(page, "7-backfill-dialog")
