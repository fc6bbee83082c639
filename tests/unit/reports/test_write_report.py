"""Where reports go, and that a report never fails the publication it describes."""
from __future__ import annotations

import sys
import types
from datetime import date

from spark_jobs.config import load_settings
from spark_jobs.reports import BUILDERS, report_path, write_report

D1, D2 = date(2026, 1, 1), date(2026, 1, 30)


class NoSpark:
    """Enough of a session for against_main: no WAP branch set."""

    class conf:
        @staticmethod
        def get(key, default=None):
            return default


def test_reports_go_under_home_unless_shoplake_reports_says_elsewhere_or_off(tmp_path):
    home = load_settings({"SHOPLAKE_HOME": str(tmp_path)})
    elsewhere = load_settings({"SHOPLAKE_HOME": str(tmp_path), "SHOPLAKE_REPORTS": str(tmp_path / "web")})
    off = load_settings({"SHOPLAKE_HOME": str(tmp_path), "SHOPLAKE_REPORTS": "off"})
    assert (home.reports_dir, home.reports_enabled) == (tmp_path.resolve() / "reports", True)
    assert elsewhere.reports_dir == tmp_path.resolve() / "web"
    assert not off.reports_enabled
    assert report_path(home.reports_dir, "recsys", D1, D1).name == "2026-01-01.html"
    assert report_path(home.reports_dir, "recsys", D1, D2).name == "2026-01-01_2026-01-30.html"


def test_a_domain_without_a_report_and_reports_off_write_nothing(tmp_path, capsys):
    settings = load_settings({"SHOPLAKE_HOME": str(tmp_path)})
    assert write_report(NoSpark, settings, "toy", D1, D1) is None
    off = load_settings({"SHOPLAKE_HOME": str(tmp_path), "SHOPLAKE_REPORTS": "off"})
    assert write_report(NoSpark, off, "subscriptions", D1, D1) is None
    assert capsys.readouterr().out == "" and not (tmp_path / "reports").exists()


def test_a_failing_report_is_one_line_and_never_raises(tmp_path, capsys, monkeypatch):
    broken = types.ModuleType("broken_report")

    def sections(spark, first_date, last_date):
        raise RuntimeError("gold.daily_active_users cannot be read\nsecond line")

    broken.sections = sections
    monkeypatch.setitem(sys.modules, "broken_report", broken)
    monkeypatch.setitem(BUILDERS, "broken", "broken_report")
    settings = load_settings({"SHOPLAKE_HOME": str(tmp_path)})

    assert write_report(NoSpark, settings, "broken", D1, D1) is None
    assert capsys.readouterr().out == "report: not written (RuntimeError: gold.daily_active_users cannot be read)\n"


def test_a_written_report_has_a_copy_as_latest(tmp_path, monkeypatch):
    from spark_jobs.reports.page import Section

    tiny = types.ModuleType("tiny_report")
    tiny.sections = lambda spark, first_date, last_date: [Section("Only", f"{first_date} .. {last_date}")]
    monkeypatch.setitem(sys.modules, "tiny_report", tiny)
    monkeypatch.setitem(BUILDERS, "tiny", "tiny_report")
    settings = load_settings({"SHOPLAKE_HOME": str(tmp_path)})

    path = write_report(NoSpark, settings, "tiny", D1, D2)

    assert path == tmp_path.resolve() / "reports" / "tiny" / "2026-01-01_2026-01-30.html"
    assert (path.parent / "latest.html").read_text() == path.read_text()
    assert "2026-01-01 .. 2026-01-30" in path.read_text()
