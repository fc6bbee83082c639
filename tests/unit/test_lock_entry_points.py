"""Every entry point that writes a domain takes its lock first: `shoplake run` and each
spark-submit job stop with one line, before Spark starts, while another run holds it."""
from __future__ import annotations

import pytest

from spark_jobs import cli, submit
from spark_jobs.config import load_settings
from spark_jobs.domain_lock import domain_lock
from spark_jobs.errors import ShoplakeError
from spark_jobs.jobs import job_domain


@pytest.fixture()
def lake(tmp_path, monkeypatch):
    """A catalog file and a landing root, enough for the pre-flight checks (no Spark)."""
    (tmp_path / "catalog.db").touch()
    (tmp_path / "landing").mkdir()
    env = {"SHOPLAKE_HOME": str(tmp_path), "SHOPLAKE_CATALOG_URI": f"jdbc:sqlite:{tmp_path / 'catalog.db'}",
           "SHOPLAKE_LANDING": str(tmp_path / "landing"), "SHOPLAKE_WAREHOUSE": (tmp_path / "wh").as_uri(),
           "SHOPLAKE_LOCK_WAIT_SECONDS": "0"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return load_settings(env)


@pytest.mark.parametrize("job, args", [("subscriptions.silver", []), ("bronze", ["subscriptions"]),
                                       ("quality.scan", ["subscriptions"]), ("quality.publish", ["subscriptions"])])
def test_every_job_of_a_daily_run_names_the_domain_it_writes(job, args):
    assert job_domain(job, args) == "subscriptions"


def test_a_job_without_a_domain_is_refused():
    with pytest.raises(ShoplakeError, match="cannot tell which domain"):
        job_domain("bronze", [])


def test_shoplake_run_stops_with_one_line_while_another_run_holds_the_domain(lake, capsys):
    with domain_lock(lake, "subscriptions", "spark-submit subscriptions.silver 2026-01-01..2026-01-01"):
        assert cli.main(["run", "subscriptions", "--date", "2026-01-01"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("shoplake: another run of subscriptions holds the lock since ")
    assert "(spark-submit subscriptions.silver 2026-01-01..2026-01-01, host " in err and err.count("\n") == 1


def test_a_spark_submit_job_stops_with_one_line_while_shoplake_run_holds_the_domain(lake, capsys):
    with domain_lock(lake, "recsys", "shoplake run recsys 2026-01-01..2026-01-03"):
        assert submit.main(["quality.publish", "--date", "2026-01-01", "recsys"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("shoplake: another run of recsys holds the lock since ") and err.count("\n") == 1
