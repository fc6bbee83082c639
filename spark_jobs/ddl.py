"""Create shoplake's namespaces and tables from ``iceberg_ddl/<namespace>/<table>.sql``.

Every file is ``CREATE TABLE IF NOT EXISTS``, so applying the directory twice is the
same as applying it once: existing tables, their data and snapshots are left alone.
A table's properties are those every table shares and its namespace's
(``iceberg_ddl/table_properties.yml``), plus or overridden by the file's own TBLPROPERTIES.
Only their declared TBLPROPERTIES are brought up to date: a property changed in a file
(e.g. a write distribution mode) reaches lakes created before the change. A property
removed from a file is left as it is: an operator may have set it on purpose.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml
from pyspark.sql import SparkSession

from spark_jobs.config import NAMESPACES, PROJECT_ROOT

DDL_ROOT = PROJECT_ROOT / "iceberg_ddl"
SHARED_PROPERTIES = DDL_ROOT / "table_properties.yml"
PROPERTIES_CLAUSE = re.compile(r"TBLPROPERTIES\s*\((.*?)\)\s*$", re.S | re.I)
PROPERTY = re.compile(r"'([^']+)'\s*=\s*'([^']*)'")


def ddl_files(root: Path = DDL_ROOT) -> list[Path]:
    """DDL files in a stable order: namespace, then table name."""
    return sorted(root.glob("*/*.sql"))


def strip_comments(sql: str) -> str:
    return "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--")).strip()


def declared_properties(sql: str) -> dict[str, str]:
    """The ``TBLPROPERTIES ('key' = 'value', ...)`` a table's DDL ends with."""
    clause = PROPERTIES_CLAUSE.search(sql)
    return dict(PROPERTY.findall(clause.group(1))) if clause else {}


def table_properties(namespace: str, sql: str, shared: Path = SHARED_PROPERTIES) -> dict[str, str]:
    """Every property of a table: the shared ones, its namespace's, then its file's own."""
    stated = yaml.safe_load(shared.read_text())
    return {**stated["every_table"], **(stated["namespaces"].get(namespace) or {}), **declared_properties(sql)}


def create_statement(sql: str, properties: dict[str, str]) -> str:
    """The file's CREATE TABLE with ``properties`` as its TBLPROPERTIES clause."""
    assignments = ", ".join(f"'{key}' = '{value}'" for key, value in properties.items())
    return f"{PROPERTIES_CLAUSE.sub('', sql).rstrip()}\nTBLPROPERTIES ({assignments})"


def update_properties(spark: SparkSession, table: str, declared: dict[str, str]) -> dict[str, str]:
    """Set the declared properties the table lacks or holds another value of; returns them.
    An up-to-date table is not touched (no new metadata version)."""
    current = {row.key: row.value for row in spark.sql(f"SHOW TBLPROPERTIES {table}").collect()}
    stale = {key: value for key, value in declared.items() if current.get(key) != value}
    if stale:
        assignments = ", ".join(f"'{key}' = '{value}'" for key, value in stale.items())
        spark.sql(f"ALTER TABLE {table} SET TBLPROPERTIES ({assignments})")
    return stale


def apply_ddl(spark: SparkSession, root: Path = DDL_ROOT) -> list[str]:
    """Create missing namespaces and tables and update declared properties; returns the
    table names the files define."""
    for namespace in NAMESPACES:
        spark.sql(f"CREATE NAMESPACE IF NOT EXISTS {namespace}")
    tables = []
    for path in ddl_files(root):
        sql = strip_comments(path.read_text())
        table = f"{path.parent.name}.{path.stem}"
        properties = table_properties(path.parent.name, sql)
        spark.sql(create_statement(sql, properties))
        stale = update_properties(spark, table, properties)
        if stale:
            print(f"ddl: {table}: properties updated to the DDL file: {stale}", flush=True)
        tables.append(table)
    return tables
