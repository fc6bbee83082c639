"""What counts as the subject in a stored bound, in raw bytes, and in a place name.

:mod:`spark_jobs.privacy.mentions` says when a value or a record names a subject. Stored
objects add two cases. Column bounds: Iceberg keeps only the first 16 characters of a
string as a lower/upper bound (``write.metadata.metrics.default`` = ``truncate(16)``), so
for a longer identifier that prefix — and, as an upper bound, the prefix with its last
character incremented — still points at the person. Raw bytes: a second net over
uncompressed objects finds the identifier as a whole token, not inside a longer id.
"""
from __future__ import annotations

import re
from functools import lru_cache

from spark_jobs.privacy.mentions import value_mentions

# Iceberg's default truncation of string bounds (MetricsModes.Truncate(16)).
BOUND_LENGTH = 16
# Characters that continue an identifier: `u_12` in `u_123` or `xu_12` is not a token.
TOKEN_CHARACTER = rb"[A-Za-z0-9_\-@.+]"
REDACTED = "<identifier>"


def truncated_bounds(subject: str) -> frozenset[str]:
    """The forms a bound takes for ``subject`` longer than 16 characters: the prefix
    (lower bound) and the prefix with its last character incremented (upper bound)."""
    if len(subject) <= BOUND_LENGTH:
        return frozenset()
    prefix = subject[:BOUND_LENGTH]
    return frozenset({prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)})


def bound_mentions(value, subject: str) -> bool:
    """Whether a stored value — a bound, a partition value, a statistic, any decoded
    field — names the subject: as :func:`value_mentions` does, or as its truncated bound."""
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            return raw_mentions(value, subject)
    if isinstance(value, str) and value in truncated_bounds(subject):
        return True
    return value_mentions(value, subject)


@lru_cache(maxsize=16)
def token_pattern(subject: str) -> re.Pattern[bytes]:
    """The identifier's UTF-8 bytes, not preceded or followed by an identifier character."""
    return re.compile(rb"(?<!" + TOKEN_CHARACTER + rb")" + re.escape(subject.encode("utf-8"))
                      + rb"(?!" + TOKEN_CHARACTER + rb")")


def raw_mentions(data: bytes, subject: str) -> bool:
    """Whether undecoded bytes hold the identifier as a whole token. Not for a number:
    undecoded, ``1001`` is as likely a count or an item (:mod:`numeric_search`)."""
    return bool(subject) and not subject.strip().lstrip("-").isdigit() and subject.encode("utf-8") in data and token_pattern(subject).search(data) is not None


def safe_name(name: str, subject: str) -> str:
    """A column, field or key name fit for a report: one that holds the identifier is
    replaced, so a report never repeats it."""
    return REDACTED if subject and subject in name else name
