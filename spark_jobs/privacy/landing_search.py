"""Find the subject in one landing file, read by its name as the readers would.

NDJSON, CSV, a JSON array and anything else that is text are searched line by line (a
JSON string cannot span lines, so a record's identifier is always within one line);
Parquet cell by cell; ``.gz`` files decompressed first. A file that cannot be decoded —
a truncated ``.gz``, a ``.parquet`` that is not Parquet — is still counted as scanned:
what could be decompressed is searched, and its raw bytes too.
"""
from __future__ import annotations

import zlib
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from spark_jobs.privacy.matching import raw_mentions
from spark_jobs.privacy.mentions import may_mention, mentions, names_subject
from spark_jobs.privacy.parquet_search import parquet_occurrences

GZIP_WINDOW = 16 + zlib.MAX_WBITS   # zlib: expect a gzip header and trailer


def line_occurrences(text: str, subject: str, id_kind: str | None = None) -> Iterator[str]:
    """``line N`` (1-based) for each line of ``text`` that names the subject (with
    ``id_kind``, also as that field's value: ``"customer_id": 1001``)."""
    if not may_mention(text, subject):
        return
    lines = pa.array(text.split("\n"), pa.large_string())
    if '"' in subject or "\\" in subject:
        maybe = pc.is_valid(lines)
    else:
        maybe = pc.or_(pc.match_substring(lines, subject), pc.match_substring(lines, "\\"))
    for position in pc.indices_nonzero(maybe).to_pylist():
        line = lines[position].as_py()
        if names_subject(line, subject, id_kind) if id_kind else mentions(line, subject):
            yield f"line {position + 1}"


def gunzip(data: bytes) -> tuple[bytes, bool]:
    """The decompressed bytes of a gzip file (concatenated members too) and whether it
    was complete; a truncated or corrupt file gives what could be decompressed."""
    out, rest = [], data
    try:
        while rest:
            member = zlib.decompressobj(GZIP_WINDOW)
            out.append(member.decompress(rest))
            if not member.eof:
                return b"".join(out), False
            rest = member.unused_data
        return b"".join(out), True
    except zlib.error:
        return b"".join(out), False


def file_occurrences(name: str, data: bytes, subject: str, id_kind: str | None = None) -> Iterator[str]:
    """Where the subject is named in a landing file called ``name`` holding ``data``."""
    if name.lower().endswith(".gz"):
        plain, complete = gunzip(data)
        yield from file_occurrences(name[:-3], plain, subject, id_kind)
        if not complete and raw_mentions(data, subject):
            yield "compressed bytes (truncated gzip)"
    elif name.lower().endswith(".parquet"):
        yield from _parquet_or_raw(data, subject, id_kind)
    else:
        yield from line_occurrences(data.decode("utf-8", errors="replace"), subject, id_kind)


def _parquet_or_raw(data: bytes, subject: str, id_kind: str | None = None) -> Iterator[str]:
    """A Parquet file's occurrences; a file that is not readable Parquet, searched as
    text lines and raw bytes (a mislabelled NDJSON file still names people)."""
    try:
        found = list(parquet_occurrences(data, subject, id_kind))
    except (pa.ArrowException, OSError):
        found = list(line_occurrences(data.decode("utf-8", errors="replace"), subject, id_kind))
        if not found and raw_mentions(data, subject):
            found = ["raw bytes (not readable as Parquet)"]
    yield from found
