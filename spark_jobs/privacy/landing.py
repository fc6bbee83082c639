"""Landing files rewritten without a subject's records.

Every file of the domains that carry the identifier kind is read by its format (the
source's declaration; ``.gz`` decompressed), the subject's records are dropped and the
file is written back in the same format, every other record byte for byte (lines and
array elements are cut out of the text, not re-serialised). A file that held nothing
else is removed; so is a file too broken to split into records (a truncated ``.gz``, an
invalid JSON array) that still names the subject. Plain Python on the landing storage.
"""
from __future__ import annotations

import gzip
import io
import json
import re
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from spark_jobs.config import Settings
from spark_jobs.domain import Domain, Source
from spark_jobs.privacy.mentions import names_subject, value_mentions
from spark_jobs.storage import delete_file, join, list_files, read_bytes, replace_bytes

INGEST_DATE = re.compile(r"ingest_date=(\d{4}-\d{2}-\d{2})")
REMOVE = None   # what a rewrite returns for a file that keeps no record


@dataclass
class LandingErasure:
    """What the rewrite changed: counts and the ingest dates of every changed file."""

    files_scanned: int = 0
    files_rewritten: int = 0
    files_removed: int = 0
    records_removed: int = 0
    dates: dict[str, set[date]] = field(default_factory=dict)

    def changed(self, domain: str, uri: str) -> None:
        found = INGEST_DATE.search(uri)
        if found:
            self.dates.setdefault(domain, set()).add(date.fromisoformat(found.group(1)))


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def _text_record(line: bytes, is_subject: Callable[[str], bool]) -> bool:
    return is_subject(line.decode("utf-8", errors="replace"))


def without_lines(data: bytes, is_subject: Callable[[str], bool], keep_first: bool = False) -> tuple[bytes | None, int]:
    """NDJSON or CSV: the lines that are not the subject's (a CSV header is kept)."""
    lines = _lines(data)
    head, body = (lines[:1], lines[1:]) if keep_first else ([], lines)
    kept = [line for line in body if not _text_record(line, is_subject)]
    removed = len(body) - len(kept)
    if removed == 0:
        return data, 0
    if not any(line.strip() for line in kept):
        return REMOVE, removed
    return b"".join(head + kept), removed


def array_elements(text: str) -> list[tuple[int, int]] | None:
    """(start, end) of each element of a text that is one JSON array; None if it is not."""
    decoder = json.JSONDecoder()
    body = text.lstrip("\ufeff").strip()
    if not body.startswith("["):
        return None
    start = text.index("[") + 1
    spans, position = [], start
    try:
        while True:
            while position < len(text) and text[position] in " \t\r\n":
                position += 1
            if text[position] == "]":
                return spans if not text[position + 1:].strip() else None
            _, end = decoder.raw_decode(text, position)
            spans.append((position, end))
            position = end
            while text[position] in " \t\r\n":
                position += 1
            if text[position] == ",":
                position += 1
    except (ValueError, IndexError):
        return None


def without_elements(data: bytes, is_subject: Callable[[str], bool]) -> tuple[bytes | None, int]:
    """A JSON array file: the elements that are not the subject's, their text unchanged."""
    text = data.decode("utf-8", errors="replace")
    spans = array_elements(text)
    if spans is None:    # not one array: a file bronze quarantines whole
        return (REMOVE, 1) if is_subject(text) else (data, 0)
    kept = [text[a:b] for a, b in spans if not is_subject(text[a:b])]
    removed = len(spans) - len(kept)
    if removed == 0:
        return data, 0
    if not kept:
        return REMOVE, removed
    return ("[" + ",\n".join(kept) + "]\n").encode("utf-8"), removed


def without_rows(data: bytes, subject: str, id_kind: str) -> tuple[bytes | None, int]:
    """A Parquet file: the rows whose identifier column holds the subject, or whose
    text cells mention it, dropped; the schema kept."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(data))
    except (pa.ArrowException, OSError):
        return (REMOVE, 1) if subject.encode() in data else (data, 0)
    hit = pa.array([False] * table.num_rows)
    for name in table.column_names:
        column = table.column(name)
        if name == id_kind:
            hit = pc.or_(hit, pc.fill_null(pc.equal(pc.cast(column, pa.string()), subject), False))
        elif pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            candidates = pc.fill_null(pc.match_substring(column, subject), False)
            if pc.any(candidates).as_py():
                named = pa.array([value_mentions(v, subject) for v in column.to_pylist()])
                hit = pc.or_(hit, named)
    removed = pc.sum(pc.cast(hit, pa.int64())).as_py() or 0
    if removed == 0:
        return data, 0
    if removed == table.num_rows:
        return REMOVE, removed
    out = io.BytesIO()
    pq.write_table(table.filter(pc.invert(hit)), out)
    return out.getvalue(), removed


def rewrite(data: bytes, name: str, fmt: str, subject: str, id_kind: str) -> tuple[bytes | None, int]:
    """A landing file's new bytes (None: remove it) and how many records were dropped."""
    is_subject = lambda text: names_subject(text, subject, id_kind)  # noqa: E731
    if name.endswith(".gz"):
        try:
            inner = gzip.decompress(data)
        except (OSError, EOFError, zlib.error):   # truncated: bronze quarantines it whole
            partial = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data)
            return (REMOVE, 1) if is_subject(partial.decode("utf-8", errors="replace")) else (data, 0)
        new, removed = rewrite(inner, name[:-3], fmt, subject, id_kind)
        if not removed:
            return data, 0
        return (REMOVE if new is REMOVE else gzip.compress(new, mtime=0)), removed
    if name.lower().endswith(".parquet"):
        return without_rows(data, subject, id_kind)
    if fmt == "json_array":
        return without_elements(data, is_subject)
    return without_lines(data, is_subject, keep_first=(fmt == "csv"))


def source_of(domain: Domain, relative: str) -> Source | None:
    name = relative.split("/", 1)[0]
    return next((s for s in domain.sources if s.name == name), None)


def erase_landing(settings: Settings, domains: Iterable[Domain], subject: str, id_kind: str) -> LandingErasure:
    """Rewrite every landing file of ``domains`` without the subject's records."""
    result = LandingErasure()
    for declared in domains:
        root = join(settings.landing, declared.name)
        for uri in list_files(settings, root):
            relative = uri[len(root.rstrip("/")) + 1:] if uri.startswith(root.rstrip("/")) else uri
            name = relative.rsplit("/", 1)[-1]
            source = source_of(declared, relative)
            if source is None or name.startswith((".", "_")):
                continue
            result.files_scanned += 1
            data = read_bytes(settings, uri)
            new, removed = rewrite(data, name, source.fmt, subject, id_kind)
            if not removed:
                continue
            result.records_removed += removed
            result.changed(declared.name, uri)
            if new is REMOVE:
                delete_file(settings, uri)
                result.files_removed += 1
            else:
                replace_bytes(settings, uri, new)
                result.files_rewritten += 1
    return result
