"""The domains the platform runs: every package of ``spark_jobs`` that declares a ``DOMAIN``.

A new domain slots in by adding its package with its declaration; the CLI, the DAG
factory, the quality scan and publication all look domains up here.
"""
from __future__ import annotations

import importlib
import pkgutil
from functools import cache

import spark_jobs
from spark_jobs.domain import Domain
from spark_jobs.errors import ShoplakeError

_REGISTERED: dict[str, Domain] = {}


@cache
def _declared() -> dict[str, Domain]:
    found = {}
    for module in pkgutil.iter_modules(spark_jobs.__path__):
        if module.ispkg:
            declared = getattr(importlib.import_module(f"spark_jobs.{module.name}"), "DOMAIN", None)
            if isinstance(declared, Domain):
                found[declared.name] = declared
    return found


def domains() -> dict[str, Domain]:
    """Every domain, by name: the declared packages, then any registered at run time."""
    return {**_declared(), **_REGISTERED}


def domain(name: str) -> Domain:
    """The domain called ``name``, or a one-line error naming the known ones."""
    known = domains()
    if name not in known:
        raise ShoplakeError(f"unknown domain {name!r}; known: {', '.join(sorted(known))}")
    return known[name]


def register(declared: Domain) -> None:
    """Add a domain that lives outside ``spark_jobs`` (a plug-in, or a test's toy domain)."""
    _REGISTERED[declared.name] = declared
