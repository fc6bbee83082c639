"""The erasure verifier: read everything the catalog and the landing zone can reach.

For a subject, every table of every namespace (metadata JSON, manifest lists, manifests,
data and delete files of every retained snapshot, so every branch and tag) and every
landing file is read and searched; each occurrence is reported with the object, its
kind and where in it — never the identifier. Objects a retained metadata file still
names but that were deleted (expired) are counted as ``missing``, not read. An erasure is
proven when ``occurrences_found`` is 0 (docs/privacy.md).
"""
from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyarrow as pa

from spark_jobs.config import Settings
from spark_jobs.errors import ShoplakeError
from spark_jobs.privacy.decoded_search import decode_avro, decode_json, document_occurrences
from spark_jobs.privacy.landing_search import file_occurrences
from spark_jobs.privacy.matching import raw_mentions
from spark_jobs.privacy.numeric_search import bound_occurrences, id_field_ids, numeric_value
from spark_jobs.privacy.parquet_search import parquet_occurrences
from spark_jobs.privacy.reachable import (StoredObject, metadata_files, named_by_manifest, named_by_manifest_list,
                                          named_by_metadata)
from spark_jobs.storage import list_files, read_bytes

log = logging.getLogger(__name__)
MISSING = "missing"


@dataclass(frozen=True)
class Occurrence:
    """The identifier found in one object: ``where`` names the field/line, not the value."""

    object_uri: str
    kind: str       # landing, data, delete, manifest, manifest_list, metadata
    where: str


@dataclass(frozen=True)
class Verification:
    """What the verifier read (objects per kind; ``missing``: named but already deleted)
    and every occurrence it found."""

    objects_scanned: int
    by_kind: dict[str, int]
    occurrences: tuple[Occurrence, ...]

    @property
    def occurrences_found(self) -> int:
        return len(self.occurrences)

    def describe(self) -> str:
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(self.by_kind.items()))
        objects = len({o.object_uri for o in self.occurrences})
        return (f"{self.objects_scanned} objects scanned ({kinds}): "
                f"{self.occurrences_found} occurrences in {objects} objects")


@dataclass
class _Tally:
    """Objects read so far (each once), per kind, and what was found in them."""

    seen: set[str] = field(default_factory=set)
    by_kind: Counter = field(default_factory=Counter)
    occurrences: list[Occurrence] = field(default_factory=list)

    def first_time(self, uri: str) -> bool:
        if uri in self.seen:
            return False
        self.seen.add(uri)
        return True

    def record(self, uri: str, kind: str, wheres: Iterable[str]) -> None:
        self.by_kind[kind] += 1
        self.occurrences.extend(Occurrence(uri, kind, where) for where in wheres)

    def result(self) -> Verification:
        scanned = sum(count for kind, count in self.by_kind.items() if kind != MISSING)
        return Verification(scanned, dict(self.by_kind), tuple(self.occurrences))


def verify_subject(settings: Settings, subject: str, tables: Iterable[str] | None = None,
                   landing_roots: Iterable[str] | None = None, id_kind: str | None = None) -> Verification:
    """Search every object reachable from ``tables`` (default: every table of every
    namespace of the catalog) and under ``landing_roots`` (default: the landing zone).
    ``id_kind`` (``user_id``, ``customer_id``): also where that field holds the subject —
    the only place a numeric identifier is searched (:mod:`numeric_search`)."""
    from spark_jobs.catalog import load_catalog

    tally, names = _Tally(), None if tables is None else list(tables)
    if names != []:
        catalog = load_catalog(settings)
        for name in all_tables(catalog) if names is None else names:
            search_table(catalog.load_table(name), subject, tally, id_kind)
    for root in [settings.landing] if landing_roots is None else landing_roots:
        search_landing(settings, root, subject, tally, id_kind)
    verification = tally.result()
    log.info("verifier: %s", verification.describe())
    return verification


def all_tables(catalog) -> list[str]:
    """``namespace.table`` of every table in the catalog, nested namespaces included."""
    names, pending = [], list(catalog.list_namespaces())
    while pending:
        namespace = pending.pop()
        names.extend(".".join(identifier) for identifier in catalog.list_tables(namespace))
        pending.extend(catalog.list_namespaces(namespace))
    return sorted(names)


def search_table(table, subject: str, tally: _Tally, id_kind: str | None = None) -> None:
    """Read every object of ``table`` the catalog can reach, following what each names."""
    number = numeric_value(subject) if id_kind else None
    numeric = (id_field_ids(table, id_kind), number) if number is not None else None
    pending = list(reversed(metadata_files(table)))
    while pending:
        stored = pending.pop()
        if not tally.first_time(stored.uri):
            continue
        try:
            with table.io.new_input(stored.uri).open() as stream:
                data = stream.read()
        except FileNotFoundError:
            tally.by_kind[MISSING] += 1
            continue
        try:
            wheres, named = search_object(stored, data, subject, id_kind, numeric)
        except (ValueError, EOFError, OSError, pa.ArrowException) as error:
            # An object the catalog needs but nobody can decode proves nothing either way.
            raise ShoplakeError(f"cannot read {stored.kind} {stored.uri} ({type(error).__name__}); "
                                f"repair or restore it, then verify again") from error
        tally.record(stored.uri, stored.kind, wheres)
        pending.extend(named)


def search_object(stored: StoredObject, data: bytes, subject: str, id_kind: str | None = None,
                  numeric: tuple[set[int], int] | None = None) -> tuple[list[str], list[StoredObject]]:
    """Where one table object names the subject, and the objects it names in turn
    (``numeric``: the identifier columns' field ids and the subject as a number)."""
    if stored.fmt == "json":
        document = decode_json(data)
        return list(document_occurrences(document, subject)), list(named_by_metadata(document))
    if stored.fmt == "avro":
        decoded = decode_avro(stored.uri, data)
        named = {"manifest_list": named_by_manifest_list, "manifest": named_by_manifest}.get(stored.kind)
        wheres = list(document_occurrences(decoded, subject))
        if numeric is not None and stored.kind == "manifest":
            wheres += list(bound_occurrences(decoded, *numeric))
        return wheres, list(named(decoded)) if named else []
    if stored.fmt == "parquet":
        return list(parquet_occurrences(data, subject, id_kind)), []
    return (["raw bytes"] if raw_mentions(data, subject) else []), []


def search_landing(settings: Settings, root: str, subject: str, tally: _Tally, id_kind: str | None = None) -> None:
    """Read every file under a landing root, each by its name's format."""
    for uri in list_files(settings, root):
        if tally.first_time(uri):
            tally.record(uri, "landing", file_occurrences(uri, read_bytes(settings, uri), subject, id_kind))
