"""Reference exchange rates: ``reference/fx_rates.csv`` in the project → ``silver.fx_rates``.

The file is versioned (a ``version`` column such as ``2026-01``); rows of every version are
kept in the table, and money is converted with the newest version. The rates are a few
rows, so they travel to Spark as a literal map instead of a join.
"""
from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from pyspark.sql import SparkSession

from spark_jobs.config import PROJECT_ROOT
from spark_jobs.local_rows import local_frame
from spark_jobs.merge import RowWrite, write_rows

FX_CSV = PROJECT_ROOT / "reference" / "fx_rates.csv"
FX_TABLE = "silver.fx_rates"


def read_rates_file(path: Path = FX_CSV) -> list[tuple[str, Decimal, str]]:
    """(currency, rate_to_usd, version) of every row of the reference file."""
    with path.open(newline="") as handle:
        return [(r["currency"].strip().upper(), Decimal(r["rate_to_usd"].strip()), r["version"].strip())
                for r in csv.DictReader(handle)]


def current_rates(rows: list[tuple[str, Decimal, str]]) -> dict[str, Decimal]:
    """currency → rate of the newest version in the file."""
    newest = max(version for _, _, version in rows)
    return {currency: rate for currency, rate, version in rows if version == newest}


def load_fx_rates(spark: SparkSession, path: Path = FX_CSV) -> dict[str, Decimal]:
    """Mirror the reference file into silver.fx_rates; return the current rates."""
    rows = read_rates_file(path)
    stored = {(r["currency"], r["rate_to_usd"], r["version"]) for r in spark.table(FX_TABLE).collect()}
    if stored == set(rows):     # the usual case: nothing to commit
        return current_rates(rows)
    frame = local_frame(spark, rows, spark.table(FX_TABLE).schema)
    write_rows(frame, RowWrite(FX_TABLE, ("currency", "version"), slice="true", delete_missing=True,
                               compare=("rate_to_usd",)))
    return current_rates(rows)
