"""What `make demo` prints at the end, read through PyIceberg (no Spark start-up).

    python -m spark_jobs.readers.lake_summary

Bronze row counts with a fingerprint of their content hashes (a second demo run must
print the same fingerprints), then the latest run log.
"""
from __future__ import annotations

import hashlib

from spark_jobs.catalog import load_catalog
from spark_jobs.config import load_settings


def bronze_tables(catalog) -> list[str]:
    return sorted(f"bronze.{name}" for _, name in catalog.list_tables("bronze"))


def fingerprint(table) -> tuple[int, str]:
    """(rows, short sha256 over the sorted record keys and content hashes)."""
    rows = table.scan(selected_fields=("ingest_date", "source_file", "record_number", "content_hash")).to_arrow()
    keys = sorted(zip(*(rows[c].to_pylist() for c in rows.column_names)))
    digest = hashlib.sha256("\n".join(map(str, keys)).encode()).hexdigest()[:16]
    return len(keys), digest


def print_bronze(catalog) -> None:
    print("\nBronze tables")
    print(f"  {'table':<42} {'rows':>9}  fingerprint")
    for name in bronze_tables(catalog):
        rows, digest = fingerprint(catalog.load_table(name))
        print(f"  {name:<42} {rows:>9}  {digest}")


def print_run_log(catalog) -> None:
    log = catalog.load_table("ops.run_log").scan().to_arrow().to_pylist()
    print("\nRun log (ops.run_log): per domain/stage/source, summed over ingest dates")
    totals: dict[tuple, list[int]] = {}
    for row in log:
        key = (row["domain"], row["stage"], row["source"])
        agg = totals.setdefault(key, [0, 0, 0, 0, 0])
        agg[0] += 1
        agg[1] += row["files"] or 0
        agg[2] += row["records_read"] or 0
        agg[3] += row["rows_in_table"] or 0
        agg[4] += 0 if row["reconciled"] else 1
    print(f"  {'domain':<14} {'stage':<8} {'source':<16} {'days':>5} {'files':>6} {'read':>9} {'stored':>9} {'unreconciled':>12}")
    for (domain, stage, source), (days, files, read, stored, bad) in sorted(totals.items()):
        print(f"  {domain:<14} {stage:<8} {source:<16} {days:>5} {files:>6} {read:>9} {stored:>9} {bad:>12}")


def main() -> None:
    catalog = load_catalog(load_settings())
    print_bronze(catalog)
    print_run_log(catalog)


if __name__ == "__main__":
    main()
