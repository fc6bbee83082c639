"""Numeric identifiers (recsys's ``customer_id``): found by the column or field that holds them.

A bare number is no identifier: ``1001`` is also an item id, a record count, a file size.
So a numeric subject is searched for only where the identifier lives — a column named
after its kind (values and row-group statistics), that column's bounds in manifests
(Iceberg stores a long bound as 8 little-endian bytes, an int as 4), and
``"customer_id": 1001`` in text (:func:`spark_jobs.privacy.mentions.names_subject`).
"""
from __future__ import annotations

import struct
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc


def numeric_value(subject: str) -> int | None:
    """The subject as an integer, when it is one."""
    text = subject.strip()
    return int(text) if text.lstrip("-").isdigit() else None


def id_field_ids(table, id_kind: str) -> set[int]:
    """Field ids of integer columns named ``id_kind`` in any schema the table has had."""
    from pyiceberg.types import IntegerType, LongType

    return {field.field_id for schema in table.schemas().values() for field in schema.fields
            if field.name == id_kind and isinstance(field.field_type, (IntegerType, LongType))}


def packed(value: int) -> set[bytes]:
    """The value as Iceberg serialises a long or an int bound."""
    forms = {struct.pack("<q", value)} if -(1 << 63) <= value < (1 << 63) else set()
    if -(1 << 31) <= value < (1 << 31):
        forms.add(struct.pack("<i", value))
    return forms


def bound_occurrences(decoded: dict, field_ids: set[int], value: int) -> Iterator[str]:
    """Manifest entries whose lower/upper bound of an identifier column is the subject."""
    forms = packed(value)
    for index, entry in enumerate(decoded.get("entries", [])):
        data_file = entry.get("data_file") or {}
        for name in ("lower_bounds", "upper_bounds"):
            for field_id, bound in (data_file.get(name) or {}).items():
                if field_id in field_ids and bound in forms:
                    yield f"entries[{index}].data_file.{name}[{field_id}]"


def column_occurrences(batch: pa.RecordBatch, first_row: int, id_kind: str, value: int) -> Iterator[str]:
    """Rows whose identifier column holds the subject: ``column customer_id, row 3``."""
    if id_kind not in batch.schema.names:
        return
    column = batch.column(batch.schema.get_field_index(id_kind))
    if not pa.types.is_integer(column.type):
        return
    for position in pc.indices_nonzero(pc.fill_null(pc.equal(column, value), False)).to_pylist():
        yield f"column {id_kind}, row {first_row + position}"


def statistics_occurrences(metadata, id_kind: str, value: int) -> Iterator[str]:
    """Row groups whose min or max of the identifier column is the subject."""
    for group in range(metadata.num_row_groups):
        row_group = metadata.row_group(group)
        for index in range(row_group.num_columns):
            column = row_group.column(index)
            if column.path_in_schema != id_kind or column.physical_type not in ("INT32", "INT64"):
                continue
            statistics = column.statistics
            if statistics is None or not statistics.has_min_max:
                continue
            for name, bound in (("min", statistics.min), ("max", statistics.max)):
                if bound == value:
                    yield f"row group {group}, {name} of {id_kind}"
