"""Find the subject in Arrow columns without a Python loop over every value.

A vectorised prefilter (:func:`pyarrow.compute.match_substring`) keeps only the cells
that could name the subject — those holding its text, or a backslash (a JSON escape can
spell it differently) — and only those go through :func:`value_mentions`.
"""
from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from spark_jobs.privacy.matching import safe_name
from spark_jobs.privacy.mentions import names_subject, value_mentions


def _is_text(kind: pa.DataType) -> bool:
    return (pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_binary(kind)
            or pa.types.is_large_binary(kind) or pa.types.is_fixed_size_binary(kind))


def text_leaves(array: pa.Array, path: str) -> Iterator[tuple[str, pa.Array, bool]]:
    """Every string/binary array inside ``array`` with its path; the flag says whether its
    positions are still the rows of ``array`` (false inside lists and maps)."""
    kind = array.type
    if pa.types.is_dictionary(kind):
        yield from text_leaves(array.dictionary_decode(), path)
    elif _is_text(kind):
        yield path, array, True
    elif pa.types.is_struct(kind):
        for index in range(kind.num_fields):
            for leaf_path, leaf, aligned in text_leaves(array.field(index), f"{path}.{kind.field(index).name}"):
                yield leaf_path, leaf, aligned
    elif pa.types.is_map(kind):
        yield from ((p, leaf, False) for p, leaf, _ in text_leaves(array.keys, f"{path}.key"))
        yield from ((p, leaf, False) for p, leaf, _ in text_leaves(array.items, f"{path}.value"))
    elif pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind):
        yield from ((p, leaf, False) for p, leaf, _ in text_leaves(array.flatten(), f"{path}[]"))


def candidates(strings: pa.Array, subject: str) -> pa.Array:
    """Positions of the cells that may name the subject (see the module docstring)."""
    if pa.types.is_fixed_size_binary(strings.type):
        strings = strings.cast(pa.binary())
    if '"' in subject or "\\" in subject:
        return pc.indices_nonzero(pc.is_valid(strings))
    maybe = pc.or_(pc.match_substring(strings, subject), pc.match_substring(strings, "\\"))
    return pc.indices_nonzero(pc.fill_null(maybe, False))


def mentioning_positions(strings: pa.Array, subject: str, id_kind: str | None = None) -> Iterator[int]:
    """Positions in ``strings`` whose value names the subject (with ``id_kind``, also as
    that field of a record's text: ``"customer_id": 1001``)."""
    for position in candidates(strings, subject).to_pylist():
        value = strings[position].as_py()
        if value_mentions(value, subject) or (
                id_kind and isinstance(value, str) and names_subject(value, subject, id_kind)):
            yield position


def batch_occurrences(batch: pa.RecordBatch, first_row: int, subject: str,
                      id_kind: str | None = None) -> Iterator[str]:
    """Where in a batch the subject is named: ``column raw, row 17`` (rows counted from
    the start of the file), or ``column tags[], nested`` inside lists and maps."""
    for name, column in zip(batch.schema.names, batch.columns):
        for leaf_path, leaf, aligned in text_leaves(column, name):
            path = safe_name(leaf_path, subject)
            for position in mentioning_positions(leaf, subject, id_kind):
                yield f"column {path}, row {first_row + position}" if aligned else f"column {path}, nested"
