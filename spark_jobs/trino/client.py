"""Queries through the embedded Trino, with the ``trino`` Python client (DB-API).

Trino's catalog ``lake`` is read-only (``iceberg.security=read_only``), so a write is
refused by Trino itself; :func:`fetch` turns that refusal, like any other query error
Trino reports, into one :class:`ShoplakeError` line.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from spark_jobs.config import Settings
from spark_jobs.errors import ShoplakeError
from spark_jobs.trino.config import TRINO_CATALOG

USER = "shoplake"       # Trino needs a user name; without authentication it only labels queries
# Trino learns which node serves a catalog from the node's periodic announcement; for a few
# seconds after start-up (or a node restart) a query can find none. Worth waiting out.
NO_NODES_WAIT = 30      # seconds


@dataclass(frozen=True)
class Result:
    """A query's answer: column names, Trino type names (``decimal(18,2)``,
    ``array(varchar)``, ``timestamp(6) with time zone``) and rows as tuples."""

    columns: list[str]
    types: list[str]
    rows: list[tuple]


def connect(settings: Settings, schema: str = "gold"):
    import trino

    return trino.dbapi.connect(host="127.0.0.1", port=settings.trino_port, user=USER, catalog=TRINO_CATALOG,
                               schema=schema, http_scheme="http")


def _one_line(error) -> str:
    message = getattr(error, "message", None) or str(error)
    return message.strip().splitlines()[0]


def _execute(settings: Settings, query: str):
    """A cursor that ran ``query`` to the end, waiting out NO_NODES_AVAILABLE."""
    from trino.exceptions import TrinoQueryError

    deadline = time.monotonic() + NO_NODES_WAIT
    while True:
        cursor = connect(settings).cursor()
        try:
            cursor.execute(query)
            return cursor, [tuple(row) for row in cursor.fetchall()]
        except TrinoQueryError as error:
            if error.error_name != "NO_NODES_AVAILABLE" or time.monotonic() > deadline:
                raise
        time.sleep(0.5)


def ready_for_queries(settings: Settings) -> bool:
    """Whether the lake catalog answers a query now (no waiting)."""
    from trino.exceptions import DatabaseError

    try:
        cursor = connect(settings).cursor()
        cursor.execute(f"SELECT count(*) FROM {TRINO_CATALOG}.information_schema.schemata")
        return cursor.fetchone()[0] > 0
    except (DatabaseError, OSError):
        return False


def fetch(settings: Settings, query: str) -> Result:
    """Run one statement and return its whole result, or a one-line error."""
    from trino.exceptions import DatabaseError, TrinoUserError

    try:
        cursor, rows = _execute(settings, query)
    except TrinoUserError as error:
        if error.error_name == "PERMISSION_DENIED":
            raise ShoplakeError(f"Trino reads the lake only ({_one_line(error)}); "
                                "writes go through the pipeline, maintenance through `shoplake sql --engine spark --write`"
                                ) from None
        raise ShoplakeError(f"Trino: {_one_line(error)}") from None
    except DatabaseError as error:
        raise ShoplakeError(f"Trino: {_one_line(error)}") from None
    except OSError as error:
        raise ShoplakeError(f"Trino at 127.0.0.1:{settings.trino_port} is not reachable ({error}); "
                            "run `shoplake services up` or use --engine spark") from None
    description = cursor.description or []
    return Result([d[0] for d in description], [d[1] for d in description], rows)
