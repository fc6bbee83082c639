"""A subject's rows in the lake's tables: found, counted and deleted (history: :mod:`history`).

Which columns name a subject: the subject-id columns the domains declare (and any column
called after the identifier kind), raw text (``raw``, ``header``: a record naming the
subject, :func:`spark_jobs.privacy.mentions.names_subject`) and ``ops.changed_keys``
rows of that key type. The identifier reaches Spark as a one-row frame, never as SQL
text, so no plan or error message can print it.
"""
from __future__ import annotations

from dataclasses import dataclass

from pyspark.sql import SparkSession
from pyspark.sql import types as T

from spark_jobs.config import CATALOG_NAME
from spark_jobs.ddl import TEXT_COLUMNS
from spark_jobs.domain import Domain
from spark_jobs.privacy.mentions import names_subject

CHANGED_KEYS = "ops.changed_keys"
SUBJECT_VIEW = "erasure_subject"
NAMES_FUNCTION = "erasure_names_subject"


@dataclass(frozen=True)
class SubjectColumns:
    """How a table names a subject: identifier columns compared for equality, text
    columns searched, or (``ops.changed_keys``) a key of the identifier's type."""

    table: str
    ids: tuple[str, ...] = ()
    texts: tuple[str, ...] = ()
    keyed: bool = False

    @property
    def any(self) -> bool:
        return bool(self.ids or self.texts or self.keyed)


def subject_columns(spark: SparkSession, table: str, domains: list[Domain], id_kind: str) -> SubjectColumns:
    columns = set(spark.table(table).columns)
    declared = {c for d in domains for c in d.subject_ids.get(table, ())}
    ids = tuple(sorted((declared | {id_kind}) & columns))
    texts = tuple(c for c in TEXT_COLUMNS if c in columns)
    return SubjectColumns(table, ids, texts, keyed=(table == CHANGED_KEYS))


def register_subject(spark: SparkSession, subject: str, id_kind: str) -> None:
    """Make the identifier known to Spark SQL without writing it into any statement: the
    view ``erasure_subject`` (one row, ``subject_id``) and the function
    ``erasure_names_subject(text)`` (:func:`names_subject` for this subject)."""
    schema = T.StructType([T.StructField("subject_id", T.StringType())])
    spark.createDataFrame([(subject,)], schema).createOrReplaceTempView(SUBJECT_VIEW)
    spark.udf.register(NAMES_FUNCTION, lambda text: names_subject(text, subject, id_kind), T.BooleanType())


def naming_condition(spark: SparkSession, found: SubjectColumns, id_kind: str) -> str:
    """A SQL predicate over the table's columns: the row names the registered subject."""
    schema = spark.table(found.table).schema
    subject = f"SELECT subject_id FROM {SUBJECT_VIEW}"
    parts = [f"{c} IN (SELECT CAST(subject_id AS {schema[c].dataType.simpleString()}) FROM {SUBJECT_VIEW})"
             for c in found.ids]
    if found.keyed:
        parts.append(f"(key_type = '{id_kind}' AND key_value IN ({subject}))")
    # Cheap test in the JVM first; the exact rule (whole JSON string, CSV field, keyed
    # number) in Python only for the rows that pass it.
    parts += [f"((instr({c}, ({subject})) > 0 OR instr({c}, '\\\\') > 0) AND {NAMES_FUNCTION}({c}))"
              for c in found.texts]
    return " OR ".join(parts) or "false"


def count_naming_rows(spark: SparkSession, found: SubjectColumns, id_kind: str, table_name: str | None = None) -> int:
    return spark.table(table_name or found.table).where(naming_condition(spark, found, id_kind)).count()


def delete_naming_rows(spark: SparkSession, found: SubjectColumns, id_kind: str) -> int:
    """Delete the rows of ``main`` that name the subject; returns how many. (Other refs
    are reset or dropped by the purge.)"""
    target = f"{CATALOG_NAME}.{found.table}"
    count = count_naming_rows(spark, found, id_kind, target)
    if count:
        spark.sql(f"DELETE FROM {target} WHERE {naming_condition(spark, found, id_kind)}")
    return count


def naming_dates(spark: SparkSession, found: SubjectColumns, id_kind: str) -> set:
    """Ingest dates of the rows that name the subject (tables with an ``ingest_date``)."""
    table = spark.table(found.table)
    if "ingest_date" not in table.columns:
        return set()
    rows = table.where(naming_condition(spark, found, id_kind)).select("ingest_date").distinct().collect()
    return {r.ingest_date for r in rows if r.ingest_date is not None}
