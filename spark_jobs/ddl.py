"""Create shoplake's namespaces and tables from ``iceberg_ddl/<namespace>/<table>.sql``.

Tables that hold the same record share its column list (``_columns/<name>.sql``, included
as ``{columns:<name>}``). The bronze table of every declared source comes from one template,
``iceberg_ddl/bronze_table.sql``; every other table has its own file, in the project's
``iceberg_ddl/`` or a plug-in domain's. Every statement is ``CREATE TABLE IF NOT EXISTS``,
so applying the directory twice is the same as applying it once: existing tables, their
data and snapshots are left alone. A table's properties are those every table shares and its namespace's
(``iceberg_ddl/table_properties.yml``), plus or overridden by the file's own TBLPROPERTIES.
Only their declared TBLPROPERTIES are brought up to date: a property changed in a file
(e.g. a write distribution mode) reaches lakes created before the change. A property
removed from a file is left as it is: an operator may have set it on purpose.
"""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml
from pyspark.sql import SparkSession

from spark_jobs.config import NAMESPACES, PROJECT_ROOT

DDL_ROOT = PROJECT_ROOT / "iceberg_ddl"
SHARED_PROPERTIES = DDL_ROOT / "table_properties.yml"
BRONZE_TEMPLATE = DDL_ROOT / "bronze_table.sql"
PROPERTIES_CLAUSE = re.compile(r"TBLPROPERTIES\s*\((.*?)\)\s*$", re.S | re.I)
PROPERTY = re.compile(r"'([^']+)'\s*=\s*'([^']*)'")


INCLUDE = re.compile(r"\{columns:(\w+)\}")
COLUMN = re.compile(r"^\s+(\w+)\s+(\w+)\s+COMMENT\s+'([^']*)'", re.M)


def ddl_files(root: Path = DDL_ROOT) -> list[Path]:
    """DDL files in a stable order: namespace, then table name (``_columns/`` holds shared
    column lists, not tables)."""
    return sorted(p for p in root.glob("*/*.sql") if not p.parent.name.startswith("_"))


def with_columns(sql: str, root: Path = DDL_ROOT) -> str:
    """``{columns:NAME}`` replaced by the column list of ``_columns/NAME.sql``, which tables
    holding the same record (a silver table and its versions) share."""
    return INCLUDE.sub(lambda m: strip_comments((root / "_columns" / f"{m.group(1)}.sql").read_text()).strip(), sql)


def table_definitions(root: Path = DDL_ROOT) -> dict[str, str]:
    """``namespace.table`` → its CREATE statement (comments stripped): the files under
    ``root`` and under each plug-in domain's ``iceberg_ddl/``, and a bronze table per source."""
    from spark_jobs.registry import domains

    roots = [root] + sorted({d.home / "iceberg_ddl" for d in domains().values()} - {root})
    definitions = {f"{p.parent.name}.{p.stem}": with_columns(strip_comments(p.read_text()), r)
                   for r in roots for p in ddl_files(r)}
    template = strip_comments(BRONZE_TEMPLATE.read_text())
    for declared in domains().values():
        for source in declared.sources:
            definitions[source.bronze_table] = template.replace("{table}", source.bronze_table)
    return dict(sorted(definitions.items()))


def strip_comments(sql: str) -> str:
    return "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--")).strip()


def declared_properties(sql: str) -> dict[str, str]:
    """The ``TBLPROPERTIES ('key' = 'value', ...)`` a table's DDL ends with."""
    clause = PROPERTIES_CLAUSE.search(sql)
    return dict(PROPERTY.findall(clause.group(1))) if clause else {}


@cache
def shared_properties(path: Path = SHARED_PROPERTIES) -> dict:
    """``table_properties.yml``, read once per process."""
    return yaml.safe_load(path.read_text())


def table_properties(namespace: str, sql: str, shared: Path = SHARED_PROPERTIES) -> dict[str, str]:
    """Every property of a table: the shared ones, its namespace's, then its file's own."""
    stated = shared_properties(shared)
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


def add_missing_columns(spark: SparkSession, table: str, sql: str) -> list[str]:
    """Add the columns a table's DDL declares and the table lacks (a lake created
    before the column existed); returns their names. Iceberg adds them as null for old rows."""
    present = set(spark.table(table).columns)
    missing = [(name, kind, comment) for name, kind, comment in COLUMN.findall(sql) if name not in present]
    for name, kind, comment in missing:
        spark.sql(f"ALTER TABLE {table} ADD COLUMN {name} {kind} COMMENT '{comment}'")
    return [name for name, _, _ in missing]


TEXT_COLUMNS = ("raw", "header")
COLUMN_NAME = re.compile(r"^\s+(\w+)\s+[A-Za-z]", re.M)


def column_names(sql: str) -> list[str]:
    """The column names of a CREATE TABLE statement (one column per line)."""
    block = sql[sql.index("(") + 1:sql.upper().index("USING ICEBERG")]
    return COLUMN_NAME.findall(block)


def personal_columns(table: str, columns: list[str]) -> list[str]:
    """Columns that can hold a person's identifier: the domains' subject-id columns (and
    any column named like one), raw record text, ``ops.changed_keys.key_value``."""
    from spark_jobs.registry import domains

    declared = {c for d in domains().values() for c in d.subject_ids.get(table, ())}
    kinds = {kind for d in domains().values() for kind in d.id_kinds}
    extra = {"key_value"} if table == "ops.changed_keys" else set()
    return [c for c in columns if c in declared | kinds | extra or c in TEXT_COLUMNS]


def without_statistics(columns: list[str]) -> dict[str, str]:
    """Iceberg keeps min/max bounds (a 16-character prefix of strings) of every column in
    its manifests; for personal columns none, so an erased person's value survives in no
    manifest of a file that never held them and no bound names anyone."""
    return {f"write.metadata.metrics.column.{c}": "none" for c in columns}


def apply_ddl(spark: SparkSession, root: Path = DDL_ROOT) -> list[str]:
    """Create missing namespaces and tables and update declared properties; returns the
    table names the files define."""
    for namespace in NAMESPACES:
        spark.sql(f"CREATE NAMESPACE IF NOT EXISTS {namespace}")
    tables = []
    for table, sql in table_definitions(root).items():
        properties = table_properties(table.split(".")[0], sql)
        properties |= without_statistics(personal_columns(table, column_names(sql)))
        spark.sql(create_statement(sql, properties))
        for column in add_missing_columns(spark, table, sql):
            print(f"ddl: {table}: column {column} added", flush=True)
        stale = update_properties(spark, table, properties)
        if stale:
            print(f"ddl: {table}: properties updated to the DDL file: {stale}", flush=True)
        tables.append(table)
    return tables
