"""The domains the platform runs: every package of ``spark_jobs`` that declares a ``DOMAIN``,
and the plug-in packages named in ``SHOPLAKE_DOMAINS`` (comma-separated module names).

A new domain slots in by adding its package with its declaration; the CLI, the DAG
factory, the quality scan and publication all look domains up here.
"""
from __future__ import annotations

import importlib
import os
import pkgutil
from functools import cache

import spark_jobs
from spark_jobs.domain import Domain
from spark_jobs.errors import ShoplakeError

@cache
def _declared() -> dict[str, Domain]:
    packages = [f"spark_jobs.{m.name}" for m in pkgutil.iter_modules(spark_jobs.__path__) if m.ispkg]
    packages += [name.strip() for name in os.environ.get("SHOPLAKE_DOMAINS", "").split(",") if name.strip()]
    found = {}
    for package in packages:
        declared = getattr(importlib.import_module(package), "DOMAIN", None)
        if isinstance(declared, Domain):
            found[declared.name] = declared
    return found


def domains() -> dict[str, Domain]:
    """Every domain, by name."""
    return _declared()


def domain(name: str) -> Domain:
    """The domain called ``name``, or a one-line error naming the known ones."""
    known = domains()
    if name not in known:
        raise ShoplakeError(f"unknown domain {name!r}; known: {', '.join(sorted(known))}")
    return known[name]


def forget() -> None:
    """Read the declarations again (after ``SHOPLAKE_DOMAINS`` changed)."""
    _declared.cache_clear()
