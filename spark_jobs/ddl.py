"""Create shoplake's namespaces and tables from ``iceberg_ddl/<namespace>/<table>.sql``.

Every file is ``CREATE TABLE IF NOT EXISTS``, so applying the directory twice is the
same as applying it once: existing tables, their data and snapshots are left alone.
"""
from __future__ import annotations

from pathlib import Path

from pyspark.sql import SparkSession

from spark_jobs.config import NAMESPACES, PROJECT_ROOT

DDL_ROOT = PROJECT_ROOT / "iceberg_ddl"


def ddl_files(root: Path = DDL_ROOT) -> list[Path]:
    """DDL files in a stable order: namespace, then table name."""
    return sorted(root.glob("*/*.sql"))


def strip_comments(sql: str) -> str:
    return "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--")).strip()


def apply_ddl(spark: SparkSession, root: Path = DDL_ROOT) -> list[str]:
    """Create missing namespaces and tables; returns the table names the files define."""
    for namespace in NAMESPACES:
        spark.sql(f"CREATE NAMESPACE IF NOT EXISTS {namespace}")
    tables = []
    for path in ddl_files(root):
        spark.sql(strip_comments(path.read_text()))
        tables.append(f"{path.parent.name}.{path.stem}")
    return tables
