"""A report page is one static, owner-only HTML file that opens from file:// offline:
its figures are embedded, Plotly is loaded from one plotly.min.js beside the reports."""
from __future__ import annotations

import stat
from datetime import date

import plotly.graph_objects as go

from spark_jobs.reports.page import PLOTLY_JS, Section, Table, chart_traces, write_page


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_page_holds_its_figures_tables_and_headings_and_loads_plotly_from_beside_it(tmp_path):
    dau = go.Figure(go.Scatter(x=["2026-01-01", "2026-01-02"], y=[4817, 5023]))
    revenue = go.Figure(go.Bar(x=["2026-01-01"], y=[91234.5]))
    sections = [
        Section("Daily active users", "Distinct users per day.", figure=dau),
        Section("Revenue", "Purchases per day in USD.", figure=revenue),
        Section("Quarantine by reason", "Rejected <records> & why.",
                table=Table(("source", "reason", "records"), [("events", "invalid_json", 271828)])),
        Section("Nothing here", "An empty section says so."),
    ]
    root = tmp_path / "reports"
    path = write_page(root / "subscriptions" / "2026-01-02.html", "shoplake subscriptions", sections,
                      subtitle="run of 2026-01-02", root=root)

    page = path.read_text()
    for heading in ("Daily active users", "Revenue", "Quarantine by reason", "Nothing here"):
        assert f"<h2>{heading}</h2>" in page
    assert chart_traces(page, "daily-active-users")[0]["y"] == [4817, 5023]
    assert chart_traces(page, "revenue")[0]["y"] == [91234.5]
    assert '<td class="num">271,828</td>' in page and "Rejected &lt;records&gt; &amp; why." in page
    assert "Nothing recorded for these dates." in page
    assert '<script src="../plotly.min.js"></script>' in page
    assert "cdn.plot.ly" not in page and "https://" not in page
    script = root / PLOTLY_JS
    assert script.is_file() and script.stat().st_size > 1_000_000
    assert mode(path) == 0o600 and mode(script) == 0o600 and mode(path.parent) == 0o700


def test_a_second_page_reuses_the_library_and_replaces_an_older_page(tmp_path):
    root = tmp_path / "reports"
    first = write_page(root / "recsys" / "latest.html", "one", [Section("A", "a.")], root=root)
    copied_at = (root / PLOTLY_JS).stat().st_mtime_ns
    write_page(first, "two", [Section("B", "b.")], root=root)

    assert (root / PLOTLY_JS).stat().st_mtime_ns == copied_at
    assert "<h2>B</h2>" in first.read_text() and "<h2>A</h2>" not in first.read_text()
    assert sorted(p.name for p in first.parent.iterdir()) == ["latest.html"]     # no temporary file left


def test_table_cells_read_like_figures():
    from decimal import Decimal

    from spark_jobs.reports.page import cell

    assert [cell(v) for v in (1234567, Decimal("1234.5"), 0.123456, True, None, date(2026, 1, 2))] == [
        "1,234,567", "1,234.50", "0.1235", "yes", "", "2026-01-02"]
