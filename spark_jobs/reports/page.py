"""One static HTML page of sections (a heading, what the data means, a chart and/or a table).

Pure Python, no Spark: a report builder hands over aggregates already collected. Charts
are Plotly figures embedded as ``<div>`` + JSON; the Plotly library itself is one
``plotly.min.js`` beside the pages (copied once from the installed package), loaded by a
relative ``<script src>``, so a page opens from ``file://`` with no network and a
directory of reports holds the 4.8 MB library once, not once per page.

Every file is owner-only (mode 0600, directories 0700), like the rest of local state,
and replaced atomically: a browser refreshing a page never sees half of it.
"""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from spark_jobs.local_state import private_dir

PLOTLY_JS = "plotly.min.js"


@dataclass(frozen=True)
class Table:
    """Rows under named columns, shown as an HTML table."""

    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]


@dataclass(frozen=True)
class Section:
    """One part of a page. ``description`` says in a sentence what the data means;
    ``figure`` is a Plotly figure, ``table`` a small table; either, both or neither
    (then the page says nothing was recorded)."""

    heading: str
    description: str
    figure: Any = None
    table: Table | None = None
    anchor: str = field(default="")

    @property
    def slug(self) -> str:
        return self.anchor or re.sub(r"[^a-z0-9]+", "-", self.heading.lower()).strip("-")


def plotly_js_source() -> tuple[Path | None, str | None]:
    """Plotly's bundled minified library: the package file when present, else its text."""
    import plotly

    bundled = Path(plotly.__file__).parent / "package_data" / PLOTLY_JS
    if bundled.is_file():
        return bundled, None
    from plotly.offline import get_plotlyjs

    return None, get_plotlyjs()


def install_plotly_js(root: Path) -> Path:
    """``<root>/plotly.min.js``, copied from the installed Plotly unless already there.

    Compared by size, not content: reading 4.8 MB twice per report to find the same bytes
    would cost more than the page. A Plotly upgrade changes the size and replaces it."""
    target = private_dir(root) / PLOTLY_JS
    source, text = plotly_js_source()
    size = source.stat().st_size if source is not None else len(text.encode())
    if target.is_file() and target.stat().st_size == size:
        return target
    if source is not None:
        with source.open("rb") as handle:
            _replace_private(target, lambda out: shutil.copyfileobj(handle, out))
    else:
        _replace_private(target, lambda out: out.write(text.encode()))
    return target


def _replace_private(target: Path, fill) -> None:
    """Write ``target`` through a 0600 temporary file in its directory, then rename it."""
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as out:
            fill(out)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def copy_private(source: Path, target: Path) -> Path:
    """``source`` copied to ``target``, owner-only and atomically."""
    with source.open("rb") as handle:
        _replace_private(target, lambda out: shutil.copyfileobj(handle, out))
    return target


def cell(value: Any) -> str:
    """A table cell as text: thousands separators, dates as ISO, nothing for missing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, float):    # amounts and means to the cent; small shares to 4 digits
        return f"{value:,.2f}" if abs(value) >= 1 else f"{value:.4g}"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def cell_html(value: Any) -> str:
    numeric = isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)
    return f'<td class="num">{html.escape(cell(value))}</td>' if numeric else f"<td>{html.escape(cell(value))}</td>"


def table_html(table: Table) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in table.columns)
    body = "".join("<tr>" + "".join(cell_html(v) for v in row) + "</tr>" for row in table.rows)
    return f'<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def figure_html(figure, div_id: str) -> str:
    """The figure's div and JSON; the library is loaded once, by the page."""
    figure.update_layout(margin=dict(t=40, r=20, b=40, l=60))   # the page's heading titles the chart
    return figure.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, default_height="420px",
                          config={"displaylogo": False, "responsive": True})


def section_html(section: Section) -> str:
    parts = [f'<section id="{section.slug}"><h2>{html.escape(section.heading)}</h2>',
             f"<p>{html.escape(section.description)}</p>"]
    if section.figure is not None:
        parts.append(figure_html(section.figure, f"{section.slug}-chart"))
    if section.table is not None and section.table.rows:
        parts.append(table_html(section.table))
    if section.figure is None and (section.table is None or not section.table.rows):
        parts.append('<p class="empty">Nothing recorded for these dates.</p>')
    parts.append("</section>")
    return "\n".join(parts)


STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; padding: 0 1rem; }
h1 { margin-bottom: 0.2rem; } .subtitle { color: #555; margin-top: 0; }
nav ul { columns: 2; padding-left: 1.2rem; } section { margin-top: 2.5rem; }
table { border-collapse: collapse; font-size: 0.9rem; margin-top: 0.8rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: left; }
th { background: #f0f0f0; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.empty { color: #888; font-style: italic; }
"""


def page_html(title: str, subtitle: str, sections: Sequence[Section], script_src: str) -> str:
    toc = "".join(f'<li><a href="#{s.slug}">{html.escape(s.heading)}</a></li>' for s in sections)
    body = "\n".join(section_html(s) for s in sections)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title>"
            f'<script src="{html.escape(script_src)}"></script><style>{STYLE}</style></head>\n'
            f'<body><h1>{html.escape(title)}</h1><p class="subtitle">{html.escape(subtitle)}</p>'
            f"<nav><ul>{toc}</ul></nav>\n{body}\n</body></html>\n")


def write_page(path: Path, title: str, sections: Sequence[Section], subtitle: str = "",
               root: Path | None = None) -> Path:
    """Write the page to ``path`` (owner-only); ``plotly.min.js`` goes to ``root``
    (default: the page's directory) and the page refers to it relatively."""
    private_dir(path.parent)
    script = install_plotly_js(root or path.parent)
    src = Path(os.path.relpath(script, path.parent)).as_posix()
    text = page_html(title, subtitle, sections, src)
    _replace_private(path, lambda out: out.write(text.encode()))
    return path


def chart_traces(page: str, slug: str) -> list[dict]:
    """The traces of section ``slug``'s chart, read back from a written page's text (the
    figure JSON Plotly.newPlot draws): a report's numbers, for checks and comparisons."""
    call = re.search(r'Plotly\.newPlot\(\s*"' + re.escape(f"{slug}-chart") + r'",\s*', page)
    if call is None:
        raise KeyError(f"no chart of section {slug!r} in the page")
    traces, _ = json.JSONDecoder().raw_decode(page, call.end())
    return traces

