"""Fault injection from outside the job: run ``shoplake run`` as a subprocess in its own
process group, watch the catalog for Iceberg commits, SIGKILL the group right after
commit k, then compare every table of the lake with an uninterrupted run's.

A commit is seen where Iceberg makes it: the JDBC catalog's ``iceberg_tables`` row of a
table gets a new ``metadata_location`` (data commits, branch and property changes alike).
The catalog is polled every few milliseconds; nothing in the product is hooked.

Every run uses the same lake path (the catalog stores absolute paths): a trial copies a
freshly initialised template lake there, and a finished lake's tables are read into
plain rows with PyIceberg before the next trial replaces it.
"""
from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

# Columns that hold when or by which run a row was written: the only ones a killed and
# re-run lake may legitimately differ in.
RUN_COLUMNS = frozenset({"loaded_at", "quarantined_at", "run_id", "started_at", "finished_at", "computed_at"})
NAMESPACES = ("bronze", "silver", "gold", "quarantine", "ops")
POLL_SECONDS = 0.003


@dataclass(frozen=True)
class Lake:
    """A throw-away local lake: catalog under ``root/home``, tables under ``root/warehouse``."""

    root: Path
    landing: Path
    project: Path = Path(__file__).resolve().parents[2]   # the code the runs use

    @property
    def catalog_db(self) -> Path:
        return self.root / "home" / "catalog.db"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPLAKE_")}
        env.update({
            "SHOPLAKE_HOME": str(self.root / "home"),
            "SHOPLAKE_WAREHOUSE": self.warehouse.as_uri(),
            "SHOPLAKE_LANDING": str(self.landing),
            "SHOPLAKE_SPARK_MASTER": "local[2]",
            "SHOPLAKE_SHUFFLE_PARTITIONS": "4",
            "SHOPLAKE_SPARK_DRIVER_MEMORY": "1g",
            "PYTHONPATH": os.pathsep.join(p for p in (str(self.project), env.get("PYTHONPATH")) if p),
        })
        return env


@dataclass(frozen=True)
class Outcome:
    commits: list[str]      # the table of each commit seen, in order
    killed: bool
    returncode: int
    stderr: str


def catalog_pointers(db: Path) -> dict[str, str]:
    """namespace.table → current metadata_location, read without taking a write lock."""
    if not db.exists():
        return {}
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
        rows = conn.execute("SELECT table_namespace, table_name, metadata_location FROM iceberg_tables").fetchall()
    return {f"{ns}.{name}": location for ns, name, location in rows}


def shoplake(lake: Lake, *args: str, kill_after: int | None = None, timeout: float = 900) -> Outcome:
    """Run ``python -m spark_jobs.cli <args>`` in its own process group; with ``kill_after``
    SIGKILL the group as soon as that many commits have been seen."""
    proc = subprocess.Popen([sys.executable, "-m", "spark_jobs.cli", *args], env=lake.env(), cwd=lake.root,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    seen = catalog_pointers(lake.catalog_db)
    commits: list[str] = []
    deadline = time.monotonic() + timeout
    killed = False
    try:
        while proc.poll() is None:
            try:
                now = catalog_pointers(lake.catalog_db)
            except sqlite3.OperationalError:   # the writer holds the file for a moment
                continue
            commits += sorted(t for t, loc in now.items() if seen.get(t) not in (None, loc))
            seen = now
            if kill_after is not None and len(commits) >= kill_after:
                os.killpg(proc.pid, signal.SIGKILL)
                killed = True
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"shoplake {' '.join(args)} ran over {timeout} s")
            time.sleep(POLL_SECONDS)
    finally:
        if proc.poll() is None and not killed:
            os.killpg(proc.pid, signal.SIGKILL)
        stderr = proc.communicate()[1]
    if not killed:   # commits between the last poll and the exit
        now = catalog_pointers(lake.catalog_db)
        commits += sorted(t for t, loc in now.items() if seen.get(t) not in (None, loc))
        frames = lake.root / "home" / "last-error.txt"    # where an unexpected error was raised
        if proc.returncode != 0 and frames.exists():
            stderr += frames.read_text()
    return Outcome(commits, killed, proc.returncode, stderr)


def init_template(lake: Lake, template: Path) -> None:
    """Create the lake's tables once and keep a copy to start each trial from."""
    shutil.rmtree(lake.root, ignore_errors=True)
    (lake.root / "home").mkdir(parents=True)
    outcome = shoplake(lake, "init")
    assert outcome.returncode == 0, outcome.stderr[-2000:]
    shutil.rmtree(template, ignore_errors=True)
    shutil.copytree(lake.root, template)


def fresh_lake(lake: Lake, template: Path) -> None:
    shutil.rmtree(lake.root, ignore_errors=True)
    shutil.copytree(template, lake.root)


def catalog(lake: Lake):
    from pyiceberg.catalog.sql import SqlCatalog

    return SqlCatalog("lake", uri=f"sqlite:///{lake.catalog_db}", warehouse=lake.warehouse.as_uri())


def _comparable(value):
    if isinstance(value, float):
        return float(f"{value:.12g}")
    if isinstance(value, list):
        return tuple(_comparable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _comparable(v)) for k, v in value.items()))
    return value


def table_contents(lake: Lake) -> dict[str, list[tuple]]:
    """Every table's rows on ``main`` (run columns dropped), sorted, and its shoplake.* properties."""
    return catalog_contents(catalog(lake))


def catalog_contents(cat) -> dict[str, list[tuple]]:
    """:func:`table_contents` of any PyIceberg catalog (SQLite, PostgreSQL; local or S3)."""
    contents = {}
    for namespace in NAMESPACES:
        for identifier in cat.list_tables(namespace):
            table = cat.load_table(identifier)
            name = ".".join(identifier)
            columns = [f.name for f in table.schema().fields if f.name not in RUN_COLUMNS]
            rows = table.scan(selected_fields=tuple(columns)).to_arrow().to_pylist() \
                if table.current_snapshot() else []
            contents[name] = sorted((tuple(_comparable(r[c]) for c in columns) for r in rows), key=repr)
            props = {k: v for k, v in table.properties.items() if k.startswith("shoplake.")}
            if props:
                contents[f"{name} properties"] = sorted(props.items())
    return contents


def differences(got: dict[str, list[tuple]], expected: dict[str, list[tuple]],
                growing: tuple[str, ...] = ()) -> dict[str, str]:
    """table → a short description of how it differs (empty: the lakes are equal). A
    ``growing`` table need only hold every expected row."""
    found = {}
    for name in sorted(set(got) | set(expected)):
        a, b = got.get(name, []), expected.get(name, [])
        if a != b:
            extra = [] if name in growing else [r for r in a if r not in b]
            missing = [r for r in b if r not in a]
            if not extra and not missing:
                continue
            found[name] = (f"{len(a)} rows vs {len(b)}; only after the kill {_short(extra)}; "
                           f"only in the clean run {_short(missing)}")
    return found


def _short(rows: list[tuple]) -> list:
    return [tuple(v[:6] + ("…",) if isinstance(v, tuple) and len(v) > 6 else v for v in r) for r in rows[:3]]


def referenced_files(lake: Lake) -> set[str]:
    """Every file the catalog's tables still reach: metadata files, manifest lists,
    manifests and the data and delete files of every snapshot."""
    cat = catalog(lake)
    io_files: set[str] = set()
    for namespace in NAMESPACES:
        for identifier in cat.list_tables(namespace):
            table = cat.load_table(identifier)
            io_files.add(table.metadata_location)
            io_files.update(entry.metadata_file for entry in table.metadata.metadata_log)
            for snapshot in table.metadata.snapshots:
                io_files.add(snapshot.manifest_list)
                for manifest in snapshot.manifests(table.io):
                    io_files.add(manifest.manifest_path)
                    for entry in manifest.fetch_manifest_entry(table.io, discard_deleted=False):
                        io_files.add(entry.data_file.file_path)
    return {_local_path(p) for p in io_files}


def _local_path(uri: str) -> str:
    return uri.removeprefix("file://").removeprefix("file:")


def orphan_files(lake: Lake) -> list[str]:
    """Files under the warehouse no table reaches (Hadoop's ``.crc`` sidecars aside)."""
    reached = referenced_files(lake)
    present = [str(p) for p in lake.warehouse.rglob("*") if p.is_file() and not p.name.endswith(".crc")]
    return sorted(p for p in present if p not in reached)
