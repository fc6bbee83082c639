"""Find the subject in decoded documents: metadata JSON and Avro manifests/manifest lists.

Avro is decoded by PyIceberg with the file's own schema, so every field is read — also
those of a newer spec PyIceberg's manifest model would drop — and turned into plain
dicts and lists like a JSON document. One walk then searches both: each string or bytes
value (a bound, a partition value, a path, a summary entry) and each key, reported by its
path (``entries[4].data_file.lower_bounds[2]``), never by its value.
"""
from __future__ import annotations

import io
import json
from collections.abc import Iterator

from pyiceberg.avro.file import AvroFile
from pyiceberg.io import InputFile, InputStream
from pyiceberg.types import ListType, MapType, StructType

from spark_jobs.privacy.matching import bound_mentions, safe_name


class BytesInputFile(InputFile):
    """Bytes already read, handed to PyIceberg's readers (each object is read once)."""

    def __init__(self, location: str, data: bytes):
        super().__init__(location)
        self._data = data

    def __len__(self) -> int:
        return len(self._data)

    def exists(self) -> bool:
        return True

    def open(self, seekable: bool = True) -> InputStream:
        return io.BytesIO(self._data)


def plain(value, kind):
    """A value PyIceberg decoded, as dicts (by field name), lists and scalars."""
    if value is None:
        return None
    if isinstance(kind, StructType):
        return {field.name: plain(value[index], field.field_type) for index, field in enumerate(kind.fields)}
    if isinstance(kind, ListType):
        return [plain(item, kind.element_type) for item in value]
    if isinstance(kind, MapType):
        return {plain(k, kind.key_type): plain(v, kind.value_type) for k, v in value.items()}
    return value


def decode_avro(location: str, data: bytes) -> dict:
    """An Avro container file as ``{"header": {...}, "entries": [...]}``."""
    with AvroFile(BytesInputFile(location, data)) as avro:
        struct = avro.schema.as_struct()
        entries = [plain(record, struct) for record in avro]
        header = {k: v for k, v in avro.header.meta.items()}
    return {"header": header, "entries": entries}


def decode_json(data: bytes) -> object:
    """A metadata JSON file (gzip-compressed ones too, as ``.gz.metadata.json``)."""
    if data[:2] == b"\x1f\x8b":
        import gzip

        data = gzip.decompress(data)
    return json.loads(data)


def _step(path: str, key, subject: str) -> str:
    if isinstance(key, str):
        return f"{path}.{safe_name(key, subject)}" if path else safe_name(key, subject)
    return f"{path}[{key}]"


def document_occurrences(node, subject: str, path: str = "") -> Iterator[str]:
    """Paths in a decoded document whose value or key names the subject."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = _step(path, key, subject)
            if isinstance(key, (str, bytes)) and bound_mentions(key, subject):
                yield f"{here} (key)"
            yield from document_occurrences(value, subject, here)
    elif isinstance(node, (list, tuple)):
        for index, item in enumerate(node):
            yield from document_occurrences(item, subject, f"{path}[{index}]")
    elif isinstance(node, (str, bytes)) and bound_mentions(node, subject):
        yield path or "value"
