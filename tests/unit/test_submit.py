"""spark-submit arguments as Airflow tasks pass them."""
from datetime import date

from spark_jobs import submit


def test_job_arguments_may_follow_the_date_range():
    options = submit.parse_args(["quality.scan", "--date", "2026-01-01", "--to", "2026-01-02", "subscriptions"])
    assert (options.job, options.date, options.to, options.args) == (
        "quality.scan", date(2026, 1, 1), date(2026, 1, 2), ["subscriptions"])


def test_a_single_date_needs_no_range():
    options = submit.parse_args(["subscriptions.silver", "--date", "2026-01-01"])
    assert (options.to, options.args) == (None, [])


def test_a_user_error_exits_2_with_one_line(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("SHOPLAKE_HOME", str(tmp_path))
    monkeypatch.setenv("SHOPLAKE_CATALOG_URI", f"jdbc:sqlite:{tmp_path / 'missing.db'}")
    assert submit.main(["subscriptions.silver", "--date", "2026-01-01"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_planned_dates_are_taken_as_given():
    from datetime import date

    from spark_jobs.submit import parse_args

    options = parse_args(["bronze", "--dates", "2026-01-03..2026-01-04,2026-01-09", "subscriptions"])
    assert options.dates == [date(2026, 1, 3), date(2026, 1, 4), date(2026, 1, 9)]
    assert options.args == ["subscriptions"]
