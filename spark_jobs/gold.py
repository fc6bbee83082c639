"""Incremental gold, shared by every domain: run a SQL model, keep only the rows a day
touched, and MERGE them so the table ends exactly as a from-scratch computation would
(a table recomputed whole is overwritten instead).

A model is one file ``sql/gold/<domain>/<table>.sql`` that computes the WHOLE table from
silver (and earlier gold tables), with ``:as_of`` as its only parameter; beside it,
``<table>.yml`` declares its grain, keys, recompute slice, columns and checks. A run decides
per table which key values its records touched; :func:`merge_model` recomputes the model,
keeps those keys' rows and replaces exactly that slice (rows that vanished are deleted).
``keys=None`` replaces the whole table. The result never depends on the order of runs:
every row written is a pure function of silver and ``as_of``.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from spark_jobs.config import PROJECT_ROOT
from spark_jobs.frames import described
from spark_jobs.merge import RowWrite, write_rows
from spark_jobs.sql_literals import sql_literal, values_in

SQL_ROOT = PROJECT_ROOT / "sql" / "gold"
# Above this many touched keys a slice predicate gets unwieldy and most of the table is
# touched anyway: the whole table is replaced instead (same result, one plan).
MAX_SLICE_KEYS = 5000


def models_root(domain: str) -> Path:
    """``sql/gold`` of the domain's home (the project's own, or a plug-in's)."""
    from spark_jobs.registry import domain as declared
    return declared(domain).home / "sql" / "gold"


def table_spec(domain: str, name: str) -> dict:
    """``sql/gold/<domain>/<name>.yml``: the table's grain, keys, how a run recomputes it,
    column descriptions and SodaCL checks (the one place each of these is stated)."""
    return yaml.safe_load((models_root(domain) / domain / f"{name}.yml").read_text())


@dataclass(frozen=True)
class GoldModel:
    """A gold table as its yml declares it: the MERGE key, and how a run picks its rows.

    ``slice_key``: the column a run recomputes by (None: the whole table, every run).
    ``touched``: which kind of key the day's records touched selects those slices
    (``event_date``, ``user_id``, ``cohort_week``). ``zero_filled_from``: for a table
    with a row per date from its input's first date to as_of, which input that is."""

    domain: str
    name: str
    keys: tuple[str, ...]
    slice_key: str | None = None
    touched: str | None = None
    zero_filled_from: str | None = None

    @classmethod
    def declared(cls, domain: str, name: str) -> "GoldModel":
        spec = table_spec(domain, name)
        recompute = spec.get("recompute") or {}
        return cls(domain, name, tuple(spec["keys"]), recompute.get("slice"), recompute.get("touched"),
                   recompute.get("zero_filled_from"))

    @property
    def table(self) -> str:
        return f"gold.{self.name}"

    def sql(self) -> str:
        return (models_root(self.domain) / self.domain / f"{self.name}.sql").read_text()

    def reads_gold(self) -> set[str]:
        """Names of the gold tables the model's SQL reads (they must be built first)."""
        return set(re.findall(r"\bgold\.(\w+)", self.sql())) - {self.name}


def dependency_waves(models: Sequence[GoldModel]) -> list[list[GoldModel]]:
    """``models`` in waves: each wave reads only gold tables of earlier waves (or none of
    ``models``), so the models of one wave can be built side by side."""
    names = {m.name for m in models}
    built: set[str] = set()
    waves = []
    pending = list(models)
    while pending:
        wave = [m for m in pending if (m.reads_gold() & names) <= built]
        if not wave:
            raise ValueError(f"gold models read each other in a cycle: {sorted(m.name for m in pending)}")
        waves.append(wave)
        built |= {m.name for m in wave}
        pending = [m for m in pending if m not in wave]
    return waves


def model_frame(spark: SparkSession, model: GoldModel, as_of: date) -> DataFrame:
    """The model's full result for ``as_of`` (lazy: filters on it are pushed down)."""
    return spark.sql(model.sql(), args={"as_of": as_of})


def merge_model(spark: SparkSession, model: GoldModel, as_of: date, keys: set | None) -> str:
    """Recompute ``model`` for the touched ``keys`` (None: all) and write that slice.

    A slice is MERGEd: its changed rows updated, new ones inserted, vanished ones deleted.
    A whole table is replaced in one overwrite: for a recomputation of every row, a MERGE
    would only add a join of the old rows against the new ones.
    Returns how the table was written ("whole", "N keys" or "untouched")."""
    if keys is not None and not keys:
        return "untouched"
    frame = model_frame(spark, model, as_of)
    if keys is None or len(keys) > MAX_SLICE_KEYS:
        frame.writeTo(model.table).overwrite(F.lit(True))
        return "whole"
    ordered = sorted(keys)
    frame = frame.where(F.col(model.slice_key).isin(ordered))
    write_rows(frame, RowWrite(model.table, model.keys, slice=values_in(f"t.{model.slice_key}", ordered),
                               delete_missing=True))
    return f"{len(ordered)} keys"


def build_models(spark: SparkSession, domain: str, ingest_date: date,
                 keys_for: Callable[[GoldModel, date], set | None] = lambda model, as_of: None) -> dict[str, str]:
    """Bring every SQL model of ``domain`` up to date on the ``audit`` branch for
    ``ingest_date``; ``keys_for(model, as_of)`` names the slices to recompute (None: the
    whole table, the default). Returns how each table was written, in declaration order."""
    from spark_jobs.quality.domains import gold_tables
    from spark_jobs.quality.wap import reset_audit, writing_to_audit
    from spark_jobs.registry import domain as declared
    from spark_jobs.side_by_side import run_side_by_side

    models = [GoldModel.declared(domain, name) for name in declared(domain).gold_tables]
    as_of = processed_as_of(spark, domain, ingest_date)
    reset_audit(spark, gold_tables(domain))
    written = {}
    with writing_to_audit(spark):
        def build(model: GoldModel) -> str:
            with described(spark, f"gold {model.name}"):
                return merge_model(spark, model, as_of, keys_for(model, as_of))

        # Models of one wave write different tables and read only earlier waves' tables.
        for wave in dependency_waves(models):
            written.update(zip((m.name for m in wave), run_side_by_side([lambda m=m: build(m) for m in wave])))
    print(f"gold {domain} {ingest_date}  as_of={as_of}")
    for model in models:
        print(f"gold {model.name:<26} {written[model.name]}")
    return {m.name: written[m.name] for m in models}


def processed_as_of(spark: SparkSession, domain: str, ingest_date: date) -> date:
    """as_of = the latest ingest date ever landed for the domain (bronze run log), or this
    run's date when later: a maximum, so it does not depend on the order of runs."""
    row = spark.sql(f"SELECT max(ingest_date) AS d FROM ops.run_log "
                    f"WHERE domain = '{domain}' AND stage = 'bronze'").first()
    return max(d for d in (row["d"], ingest_date) if d is not None)


def pending_dates(spark: SparkSession, domain: str, ingest_date: date) -> list[date]:
    """This run's date plus every ingest date whose latest silver run came after its latest
    publication (a run that failed the quality gate, or a range run's earlier dates): gold
    recomputes their keys too, so their changes are published rather than lost."""
    rows = spark.sql(f"""
        WITH silver AS (SELECT ingest_date, max(finished_at) AS at FROM ops.run_log
                        WHERE domain = '{domain}' AND stage = 'silver' GROUP BY ingest_date),
             published AS (SELECT ingest_date, max(finished_at) AS at FROM ops.run_log
                           WHERE domain = '{domain}' AND stage = 'publish' GROUP BY ingest_date)
        SELECT s.ingest_date FROM silver s LEFT JOIN published p ON p.ingest_date = s.ingest_date
        WHERE p.at IS NULL OR p.at < s.at
    """).collect()
    return sorted({r["ingest_date"] for r in rows} | {ingest_date})


def touched_keys(spark: SparkSession, domain: str, dates: list[date]) -> DataFrame:
    """ops.changed_keys rows (key_type, key_value) of the given ingest dates."""
    listed = ", ".join(sql_literal(d) for d in dates)
    return spark.sql(f"SELECT DISTINCT key_type, key_value FROM ops.changed_keys "
                     f"WHERE domain = '{domain}' AND ingest_date IN ({listed})")
