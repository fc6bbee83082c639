"""When a piece of text names a data subject.

A record is the subject's when its parsed identifier is the subject; a record whose text
holds the identifier as a whole JSON string value (or object key) or as a whole CSV
field counts too: a quarantined line that could not be parsed still names the person.
Values are compared as silver parses them, trimmed of surrounding whitespace
(``"  u_12 "`` is ``u_12``). Substrings do not count: ``u_12`` is not in ``"u_123"``. Numeric identifiers (recsys's
``customer_id``) are not JSON strings; a record names one when its ``customer_id`` field
holds it, as a number or as text (``1001``, ``"+001001"``), even in a line too broken to
parse. Pure Python, used by the landing
rewrite, the bronze/quarantine erasure and the verifier alike.
"""
from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator

# A JSON string literal: quote, then escaped or plain characters, then quote.
JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)


def may_mention(text: str, subject: str) -> bool:
    """Cheap test first: text that holds neither the identifier nor an escape cannot name it."""
    return subject in text or "\\" in text or '"' in subject


def json_strings(text: str) -> Iterator[str]:
    """Every JSON string literal in ``text``, decoded (also in text that is not valid JSON)."""
    for literal in JSON_STRING.findall(text):
        try:
            yield json.loads(literal)
        except ValueError:
            yield literal[1:-1]


def csv_fields(text: str) -> Iterator[str]:
    """The fields of ``text`` read as CSV lines (quotes removed, outer blanks kept off)."""
    try:
        for row in csv.reader(text.splitlines() or [text]):
            for field in row:
                yield field.strip()
    except csv.Error:
        return


def mentions(text: str | None, subject: str) -> bool:
    """Whether ``text`` holds ``subject`` as a whole JSON string value or key, or CSV field."""
    if not text or not subject or not may_mention(text, subject):
        return False
    return any(value.strip() == subject for value in json_strings(text)) or any(f == subject for f in csv_fields(text))


def value_mentions(value, subject: str) -> bool:
    """Whether a decoded value (Parquet cell, Avro field, JSON node) names the subject:
    equal to it, or text that mentions it, or a list/map/struct holding such a value."""
    if value is None:
        return False
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            return subject.encode() in value
    if isinstance(value, str):
        return value.strip() == subject or mentions(value, subject)
    if isinstance(value, dict):
        return any(value_mentions(k, subject) or value_mentions(v, subject) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(value_mentions(v, subject) for v in value)
    return False


INTEGER = re.compile(r"[+-]?\d+")


def keyed_value(text: str, subject: str, id_kind: str) -> bool:
    """Whether ``text`` holds ``"<id_kind>": <subject>`` (number or string, trimmed; a
    numeric identifier in any integer spelling), parseable or not."""
    key = rf'"{re.escape(id_kind)}"\s*:\s*'
    if INTEGER.fullmatch(subject):
        values = re.findall(key + r'"?\s*([+-]?\d+)\s*"?(?![\w.eE])', text)
        return any(int(value) == int(subject) for value in values)
    return re.search(key + rf'"\s*{re.escape(subject)}\s*"', text) is not None


def names_subject(text: str | None, subject: str, id_kind: str) -> bool:
    """Whether a landing or bronze record is the subject's: its ``id_kind`` field holds the
    identifier, or its text mentions it (:func:`mentions`)."""
    if not text or not subject:
        return False
    return mentions(text, subject) or (may_mention(text, subject) and keyed_value(text, subject, id_kind))
