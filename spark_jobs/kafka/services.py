"""Kafka's part of ``shoplake services up|down|status``: one line each for the CLI.

``up`` starts the embedded broker and creates the clickstream topics on it; with
``SHOPLAKE_KAFKA_BOOTSTRAP`` it only checks that the named cluster answers (topics on a
real cluster are its operators' to create), and with ``SHOPLAKE_KAFKA=off`` it says so.
"""
from __future__ import annotations

from spark_jobs.config import Settings
from spark_jobs.kafka import server
from spark_jobs.kafka.config import ensure_credentials
from spark_jobs.kafka.install import installed, libs_dir
from spark_jobs.kafka.topics import create_topics


def up(settings: Settings) -> str:
    """Start the local broker and create the topics on it; the status line, with the
    start-up time if it started."""
    if not settings.kafka_local:
        return describe(settings)
    if not installed(settings):
        return f"kafka: not installed ({libs_dir(settings)} incomplete; `make setup` installs it)"
    settings = ensure_credentials(settings)
    seconds = server.up(settings)
    create_topics(settings)
    line = describe(settings)
    return line if seconds is None else f"{line} (started in {seconds:.1f} s)"


def down(settings: Settings) -> str:
    if not settings.kafka_local:
        return describe(settings)
    return "kafka: stopped" if server.down(settings) else "kafka: was not running"


def describe(settings: Settings) -> str:
    return server.status(settings).describe(settings)
