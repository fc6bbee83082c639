"""A domain declared once: what lands, how it flows to gold, what it publishes, whom it names.

Each domain package (``spark_jobs/<domain>/__init__.py``) holds one :class:`Domain`
named ``DOMAIN``. The job registry, ``shoplake run``, the DAG factory, the quality scan
and publication all read it through :mod:`spark_jobs.registry`; nothing else lists a
domain's sources, stages or gold tables. Pure Python: DAG files import it at parse time.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from spark_jobs.config import PROJECT_ROOT


@dataclass(frozen=True)
class Source:
    """A landing source: ``<landing>/<domain>/<name>/ingest_date=D/``, read as ``fmt``.
    ``columns``: the header a CSV file must start with (in any order); a file without it
    is read as headerless and its lines quarantined, never one taken for the header."""

    domain: str
    name: str
    fmt: str          # a key of spark_jobs.landing.READERS
    columns: tuple[str, ...] = ()

    @property
    def bronze_table(self) -> str:
        return f"bronze.{self.domain}_{self.name}"


@dataclass(frozen=True)
class GoldTable:
    """A published table and the landing sources it is computed from: a stale source is
    reported with the tables it holds back (freshness warns, it never blocks)."""

    name: str
    sources: tuple[str, ...]

    @property
    def table(self) -> str:
        return f"gold.{self.name}"


@dataclass(frozen=True)
class Domain:
    """Everything the platform needs to know to run, check, publish and erase a domain.

    ``stages``: the domain's own jobs after bronze, in order (``"silver"`` names the job
    ``<domain>.silver``); bronze comes first and the quality scan and publication last.
    ``gold``: in dependency order (a table after those it reads).
    ``subject_ids``: per table, the columns that hold a person's identifier.
    ``package``: the module whose ``<stage>.run`` are the stage jobs (``spark_jobs.<name>``).
    ``root``: the folder of its SQL models, DDL and checks (the project's own by default);
    a plug-in domain outside this repository brings its own.
    """

    name: str
    description: str
    sources: tuple[Source, ...]
    stages: tuple[str, ...]
    gold: tuple[GoldTable, ...]
    subject_ids: dict[str, tuple[str, ...]] = field(default_factory=dict)
    package: str = ""     # where the stage jobs live; default spark_jobs.<name>
    root: Path | None = None

    @property
    def job_package(self) -> str:
        return self.package or f"spark_jobs.{self.name}"

    @property
    def home(self) -> Path:
        """The folder holding the domain's ``sql/gold/<name>/``, ``iceberg_ddl/`` and ``soda/``."""
        return self.root or PROJECT_ROOT

    @property
    def id_kinds(self) -> frozenset[str]:
        """The kinds of person identifier the domain holds (its subject-id column names)."""
        return frozenset(c for columns in self.subject_ids.values() for c in columns)

    def source(self, name: str) -> Source:
        return next(s for s in self.sources if s.name == name)

    @property
    def gold_tables(self) -> tuple[str, ...]:
        """Names of the gold tables, in dependency order."""
        return tuple(g.name for g in self.gold)

    def readers_of(self, source: str) -> tuple[str, ...]:
        """The gold tables computed from ``source``."""
        return tuple(g.name for g in self.gold if source in g.sources)

    @property
    def jobs(self) -> tuple[tuple[str, ...], ...]:
        """Every job of a daily run, as (job, *args), in order."""
        own = tuple((f"{self.name}.{stage}",) for stage in self.stages)
        return (("bronze", self.name), *own, ("quality.scan", self.name), ("quality.publish", self.name))


def sources(domain: str, fmt: str, *names: str) -> tuple[Source, ...]:
    """Sources of one domain that share a format."""
    return tuple(Source(domain, name, fmt) for name in names)
