"""Find the subject in a Parquet file: its values, its footer statistics, its page index.

Values are read batch by batch (every column, nested ones included) and searched with
:mod:`spark_jobs.privacy.arrow_search`. The footer holds each row group's min/max per
column, compared as bounds. What lies after the last column chunk — column and offset
indexes (page min/max, truncated by the writer), bloom filters, the footer — is not
compressed, so a raw token search over it is the second net for page-level bounds
pyarrow does not expose.
"""
from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from spark_jobs.privacy.arrow_search import batch_occurrences
from spark_jobs.privacy.matching import bound_mentions, raw_mentions, safe_name
from spark_jobs.privacy.numeric_search import column_occurrences, numeric_value
from spark_jobs.privacy.numeric_search import statistics_occurrences as numeric_statistics

BATCH_ROWS = 65_536
TEXT_TYPES = ("BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY")


def parquet_occurrences(data: bytes, subject: str, id_kind: str | None = None) -> Iterator[str]:
    """Where the subject is named in the Parquet file whose bytes are ``data`` (with
    ``id_kind``, a numeric subject also in that integer column)."""
    parquet = pq.ParquetFile(pa.BufferReader(data))
    number = numeric_value(subject) if id_kind else None
    in_statistics = list(statistics_occurrences(parquet.metadata, subject))
    if number is not None:
        in_statistics += list(numeric_statistics(parquet.metadata, id_kind, number))
    yield from in_statistics
    if not in_statistics and raw_mentions(data[_end_of_column_chunks(parquet.metadata):], subject):
        yield "page index or footer (raw bytes)"
    first_row = 0
    for batch in parquet.iter_batches(batch_size=BATCH_ROWS):
        yield from batch_occurrences(batch, first_row, subject, id_kind)
        if number is not None:
            yield from column_occurrences(batch, first_row, id_kind, number)
        first_row += batch.num_rows


def statistics_occurrences(metadata: pq.FileMetaData, subject: str) -> Iterator[str]:
    """Row-group min/max statistics that name the subject: ``row group 0, max of user_id``."""
    for group in range(metadata.num_row_groups):
        row_group = metadata.row_group(group)
        for index in range(row_group.num_columns):
            column = row_group.column(index)
            # Only byte arrays can hold text; pyarrow cannot even decode some other
            # statistics (a decimal's, for one).
            if column.physical_type not in TEXT_TYPES:
                continue
            statistics = column.statistics
            if statistics is None or not statistics.has_min_max:
                continue
            try:
                bounds = (("min", statistics.min), ("max", statistics.max))
            except pa.ArrowNotImplementedError:     # a decimal stored as fixed-length bytes
                continue
            for name, value in bounds:
                if isinstance(value, (str, bytes)) and bound_mentions(value, subject):
                    yield f"row group {group}, {name} of {safe_name(column.path_in_schema, subject)}"


def _end_of_column_chunks(metadata: pq.FileMetaData) -> int:
    """The byte offset where the last column chunk ends (data pages stop there)."""
    end = 4  # the leading magic bytes "PAR1"
    for group in range(metadata.num_row_groups):
        row_group = metadata.row_group(group)
        for index in range(row_group.num_columns):
            column = row_group.column(index)
            starts = [o for o in (column.dictionary_page_offset, column.data_page_offset) if o is not None]
            end = max(end, min(starts) + column.total_compressed_size)
    return end
