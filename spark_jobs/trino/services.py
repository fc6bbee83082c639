"""Trino's part of ``shoplake services up|down|status``: one line each for the CLI.

MinIO comes first (Trino's catalog reads from it); a machine without Trino installed,
or with ``SHOPLAKE_TRINO=off``, gets a line saying so and a working MinIO.
"""
from __future__ import annotations

from spark_jobs.config import Settings
from spark_jobs.trino.install import installed, server_dir
from spark_jobs.trino import server as trino_server


def up(settings: Settings) -> str:
    """Start Trino (after MinIO is up); the status line, with the start-up time if it started."""
    if not settings.trino_enabled:
        return "trino: off (SHOPLAKE_TRINO=off)"
    if not installed(settings):
        return f"trino: not installed ({server_dir(settings)} missing; `make setup` installs it)"
    seconds = trino_server.up(settings)
    line = trino_server.status(settings).describe(settings)
    return line if seconds is None else f"{line} (started in {seconds:.1f} s)"


def down(settings: Settings) -> str:
    return "trino: stopped" if trino_server.down(settings) else "trino: was not running"


def describe(settings: Settings) -> str:
    return trino_server.status(settings).describe(settings)
