"""What the catalog can still reach of a table, object by object.

From the current metadata JSON and every earlier one in its metadata log: each snapshot
those files list (every branch and tag points at one of them) → its manifest list →
each manifest → each data and delete file its entries name, deleted entries included;
and the statistics files (Puffin, partition statistics) the metadata names. Each step
only reads what the previous object decoded, so an expired snapshot's files are reached
only while some retained metadata still lists them.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

# Iceberg's data_file.content: 0 data, 1 position deletes, 2 equality deletes.
DATA_CONTENT = 0


@dataclass(frozen=True)
class StoredObject:
    """One file of a table: ``kind`` is what it is to the table (landing, data, delete,
    manifest, manifest_list, metadata), ``fmt`` how to read it (json, avro, parquet, raw)."""

    uri: str
    kind: str
    fmt: str


def metadata_files(table) -> list[StoredObject]:
    """The table's current metadata JSON and the earlier ones its metadata log keeps."""
    earlier = [entry.metadata_file for entry in table.metadata.metadata_log]
    return [StoredObject(uri, "metadata", "json") for uri in [table.metadata_location, *earlier]]


def _file_format(name: str | None) -> str:
    return {"PARQUET": "parquet", "AVRO": "avro"}.get((name or "").upper(), "raw")


def named_by_metadata(document: dict) -> Iterator[StoredObject]:
    """Manifest lists of every snapshot (v1 tables may list manifests directly) and the
    statistics files a metadata JSON names."""
    for snapshot in document.get("snapshots", []):
        if snapshot.get("manifest-list"):
            yield StoredObject(snapshot["manifest-list"], "manifest_list", "avro")
        for manifest in snapshot.get("manifests", []):
            yield StoredObject(manifest, "manifest", "avro")
    for statistics in document.get("statistics", []):
        yield StoredObject(statistics["statistics-path"], "metadata", "raw")
    for statistics in document.get("partition-statistics", []):
        yield StoredObject(statistics["statistics-path"], "metadata", "parquet")


def named_by_manifest_list(decoded: dict) -> Iterator[StoredObject]:
    """The manifests a decoded manifest list names."""
    for entry in decoded["entries"]:
        yield StoredObject(entry["manifest_path"], "manifest", "avro")


def named_by_manifest(decoded: dict) -> Iterator[StoredObject]:
    """The data and delete files a decoded manifest names, live or deleted entries alike."""
    for entry in decoded["entries"]:
        data_file = entry["data_file"]
        kind = "data" if data_file.get("content", DATA_CONTENT) == DATA_CONTENT else "delete"
        yield StoredObject(data_file["file_path"], kind, _file_format(data_file.get("file_format")))
