"""Bronze's gate for erased subjects: their records are dropped before they land.

A record is dropped when one of its tokens — the domain's identifier fields as parsed
(``$.user_id``, ``$.customer_id``), every JSON string literal, every CSV field — hashes
(salted SHA-256, :func:`spark_jobs.privacy.keys.salted_sha256`) to an entry of
``privacy.suppressed_subjects``. Only hashes are compared: the list holds no identifier,
and neither does the plan. An empty list costs nothing.
"""
from __future__ import annotations

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from spark_jobs.config import Settings
from spark_jobs.domain import Domain
from spark_jobs.privacy.keys import privacy_keys
from spark_jobs.privacy.requests import suppressed_hashes

JSON_STRING_CONTENT = r'"((?:[^"\\]|\\.)*)"'


def as_identifier(value: Column) -> Column:
    """A value as silver reads an identifier: trimmed; an integer in its plain spelling."""
    trimmed = F.trim(value)
    return F.when(trimmed.rlike(r"^[+-]?\d{1,18}$"), trimmed.cast("bigint").cast("string")).otherwise(trimmed)


def tokens(raw: Column, id_kinds: frozenset[str]) -> Column:
    """Every value of a record that could be a person's identifier, as text."""
    parsed = [F.get_json_object(raw, f"$.{kind}") for kind in sorted(id_kinds)]
    literals = F.regexp_extract_all(raw, F.lit(JSON_STRING_CONTENT), 1)
    fields = F.transform(F.split(raw, ","), lambda f: F.btrim(F.btrim(f, F.lit(" \t\r")), F.lit('"')))
    every = F.concat(F.array(*parsed), literals, fields)
    return F.array_distinct(F.filter(F.transform(every, as_identifier), lambda t: t.isNotNull()))


def names_suppressed(raw: Column, id_kinds: frozenset[str], salt: str, hashes: set[str]) -> Column:
    """True for a record that names a suppressed subject."""
    wanted = sorted(hashes)
    return F.exists(tokens(raw, id_kinds), lambda t: F.sha2(F.concat(F.lit(salt), t), 256).isin(wanted))


def suppressed_of(spark: SparkSession, declared: Domain) -> set[str]:
    """The hashes bronze must drop for a domain (its identifier kinds)."""
    listed = suppressed_hashes(spark)
    return set().union(*(listed.get(kind, set()) for kind in declared.id_kinds)) if declared.id_kinds else set()


def split_suppressed(spark: SparkSession, settings: Settings, declared: Domain,
                     records: DataFrame) -> tuple[DataFrame, DataFrame | None]:
    """(records to land, records dropped — None when nothing is suppressed)."""
    hashes = suppressed_of(spark, declared)
    if not hashes:
        return records, None
    salt = privacy_keys(settings).salt
    named = names_suppressed(F.col("raw"), declared.id_kinds, salt, hashes)
    flagged = records.withColumn("_suppressed", F.coalesce(named, F.lit(False)))
    return (flagged.where(~F.col("_suppressed")).drop("_suppressed"),
            flagged.where(F.col("_suppressed")).drop("_suppressed"))
