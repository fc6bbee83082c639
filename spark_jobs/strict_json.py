"""Strict JSON (RFC 8259) as Spark column expressions, for every parser of every source.

Spark's JSON reader is lenient by default: it accepts single-quoted strings, ``NaN`` and
``Infinity``, and it stops after the first value, ignoring whatever follows it
(``{...}{...}`` reads as the first object; the second is silently lost). Here the
leniencies are switched off (:data:`STRICT_JSON`) and the one check Jackson cannot be
asked for, "nothing after the value", is made by parsing the text inside two different
array wrappers: only one JSON value and nothing else gives ``[text]`` one element and
``[text,0]`` two. Text that closes the wrapper early (``{..}] junk``) yields the same
count inside both, so it cannot pass both. Invalid UTF-8 is rejected too: Spark would
decode it to U+FFFD, and a mangled id could then pass as valid and even collide.
Everything runs as Spark expressions (no Python UDF), so it scales with the cluster.
"""
from __future__ import annotations

from pyspark.sql import Column
from pyspark.sql import functions as F

# Jackson features Spark exposes as JSON options, each set to what RFC 8259 allows.
STRICT_JSON = {
    "allowSingleQuotes": "false",
    "allowUnquotedFieldNames": "false",
    "allowComments": "false",
    "allowNonNumericNumbers": "false",
    "allowNumericLeadingZeros": "false",
    "allowBackslashEscapingAnyCharacter": "false",
    "allowUnquotedControlChars": "false",
    "mode": "PERMISSIVE",
}


def is_valid_utf8(text: Column) -> Column:
    """Whether the string's bytes are valid UTF-8: re-encoding its decoded characters
    gives the same bytes back (invalid bytes decode to U+FFFD, which re-encodes to EF BF BD)."""
    return F.encode(text, "UTF-8") == text.cast("binary")


def _elements_in(text: Column, prefix: str, suffix: str) -> Column:
    return F.size(F.from_json(F.concat(F.lit(prefix), text, F.lit(suffix)), "array<string>", STRICT_JSON))


def is_one_json_value(text: Column) -> Column:
    """Whether ``text`` is exactly one strict JSON value, with only whitespace around it."""
    return (_elements_in(text, "[", "]") == 1) & (_elements_in(text, "[", ",0]") == 2)


def is_strict_json(text: Column) -> Column:
    """Valid UTF-8 holding exactly one strict JSON value; never null."""
    return F.coalesce(is_valid_utf8(text) & is_one_json_value(text), F.lit(False))


def strict_from_json(text: Column, schema: str) -> Column:
    """``from_json`` with RFC 8259 rules; null unless :func:`is_strict_json` holds."""
    return F.when(is_strict_json(text), F.from_json(text, schema, STRICT_JSON))
