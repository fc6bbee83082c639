"""Checks that fail a run early with one clear line instead of a stack trace from Spark.

Only two things may fail a daily run by design (landing.md): a missing or unreadable
landing root and an unreachable catalog. Both are checked here, before Spark starts.
"""
from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import urlparse

from spark_jobs.config import Settings, is_s3
from spark_jobs.errors import ShoplakeError
from spark_jobs.storage import root_exists


def _reachable(host: str, port: int, timeout: float = 3.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def check_landing(settings: Settings) -> None:
    if is_s3(settings.landing):
        endpoint = urlparse(settings.s3_endpoint)
        if not _reachable(endpoint.hostname or "", endpoint.port or (443 if endpoint.scheme == "https" else 80)):
            raise ShoplakeError(f"S3 endpoint {settings.s3_endpoint} is not reachable (start it: `shoplake services up`)")
    if not root_exists(settings, settings.landing):
        raise ShoplakeError(f"landing root {settings.landing} does not exist or is not readable (SHOPLAKE_LANDING)")


def check_catalog(settings: Settings) -> None:
    uri = settings.catalog_uri
    if uri.startswith("jdbc:sqlite:"):
        path = Path(uri[len("jdbc:sqlite:"):])
        if not path.is_file():
            raise ShoplakeError(f"Iceberg catalog {path} does not exist (run `shoplake init`, or check SHOPLAKE_CATALOG_URI)")
        return
    parsed = urlparse(uri[len("jdbc:"):]) if uri.startswith("jdbc:") else urlparse(uri)
    if parsed.scheme != "postgresql":
        raise ShoplakeError(f"unsupported SHOPLAKE_CATALOG_URI {uri!r}: use jdbc:sqlite:<path> or jdbc:postgresql://host:port/db")
    if not _reachable(parsed.hostname or "", parsed.port or 5432):
        raise ShoplakeError(f"Iceberg catalog {parsed.hostname}:{parsed.port or 5432} is not reachable (SHOPLAKE_CATALOG_URI)")


def check_run(settings: Settings) -> None:
    """Everything a domain run needs before Spark starts."""
    check_catalog(settings)
    check_landing(settings)
