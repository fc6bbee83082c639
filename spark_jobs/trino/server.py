"""The embedded Trino server: started beside MinIO by ``shoplake services up``.

Trino runs as one JVM (``java -cp lib/* io.trino.server.TrinoServer``) started directly,
not through Trino's launcher, so the PID in ``.local/trino/trino.pid`` is the server's
own and ``down`` stops exactly it. Secrets stay in the 0600 config files: nothing secret
is on its command line. Its console output goes to ``.local/trino/server.log``.
"""
from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.request
from dataclasses import dataclass

from spark_jobs.config import Settings, is_s3
from spark_jobs.errors import ShoplakeError
from spark_jobs.processes import alive, running_pid
from spark_jobs.trino.client import ready_for_queries
from spark_jobs.local_state import OWNER_ONLY, open_private_log, write_private
from spark_jobs.trino.config import http_uri, jvm_options, trino_dir, write_config
from spark_jobs.trino.install import find_java, require_server

START_TIMEOUT = 240     # seconds; a cold start on a busy 2-core machine takes about a minute


@dataclass(frozen=True)
class TrinoStatus:
    """What ``/v1/info`` says, and the PID this clone started Trino with."""

    running: bool
    pid: int | None
    version: str | None = None
    starting: bool = False

    def describe(self, settings: Settings) -> str:
        if not settings.trino_enabled:
            return "trino: off (SHOPLAKE_TRINO=off)"
        if not self.running:
            return f"trino: down ({http_uri(settings)})"
        state = "starting" if self.starting else "ready"
        return f"trino: {state} at {http_uri(settings)} version={self.version} pid={self.pid} catalog=lake (read-only)"


def _pid_file(settings: Settings):
    return trino_dir(settings) / "trino.pid"


def read_pid(settings: Settings) -> int | None:
    """The PID of the Trino this clone started, if it is still alive."""
    return running_pid(_pid_file(settings))


def server_info(settings: Settings) -> dict | None:
    """Trino's ``/v1/info`` (version, ``starting``), or None if nothing answers."""
    try:
        with urllib.request.urlopen(f"{http_uri(settings)}/v1/info", timeout=2) as response:
            return json.load(response)
    except (OSError, ValueError):
        return None


def status(settings: Settings) -> TrinoStatus:
    info = server_info(settings)
    if info is None:
        return TrinoStatus(False, read_pid(settings))
    return TrinoStatus(True, read_pid(settings), info.get("nodeVersion", {}).get("version"), bool(info.get("starting")))


def _launch(settings: Settings) -> subprocess.Popen:
    server = require_server(settings)
    java = find_java(settings)
    from spark_jobs.minio_users import ensure_read_only_user

    keys = ensure_read_only_user(settings) if is_s3(settings.warehouse) else None
    config = write_config(settings, server, keys)
    log = open_private_log(trino_dir(settings) / "server.log")
    process = subprocess.Popen(
        [str(java), *jvm_options(), f"-Dconfig={config}", "-cp", f"{server / 'lib'}/*", "io.trino.server.TrinoServer"],
        cwd=trino_dir(settings), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        env={**os.environ, "JAVA_HOME": str(java.parent.parent)}, start_new_session=True, umask=OWNER_ONLY)
    write_private(_pid_file(settings), str(process.pid))
    return process


def _wait_ready(settings: Settings, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    log = trino_dir(settings) / "server.log"
    while time.monotonic() < deadline:
        info = server_info(settings)
        # /v1/info stops saying `starting` before the node has announced its catalogs
        if info is not None and not info.get("starting") and ready_for_queries(settings):
            return
        if process.poll() is not None:
            raise ShoplakeError(f"Trino exited with code {process.returncode} while starting; see {log}")
        time.sleep(0.5)
    raise ShoplakeError(f"Trino did not become ready in {START_TIMEOUT} s; see {log}")


def ensure_catalog_tables(settings: Settings) -> None:
    """Create the JDBC catalog's own tables if the catalog database has none yet (a fresh
    clone before `shoplake init`): Trino's Iceberg connector only checks their schema, and
    fails every query on a database without them."""
    from spark_jobs.catalog import load_catalog

    load_catalog(settings)    # PyIceberg's SqlCatalog creates missing catalog tables


def up(settings: Settings) -> float | None:
    """Start Trino if this clone's is not running; the seconds it took to answer, or None
    if it was already running or is turned off."""
    if not settings.trino_enabled:
        return None
    if read_pid(settings) is not None and server_info(settings) is not None:
        return None
    if server_info(settings) is not None:
        raise ShoplakeError(f"another server answers on 127.0.0.1:{settings.trino_port}; stop it or set "
                            "SHOPLAKE_TRINO_PORT to a free port")
    started = time.monotonic()
    ensure_catalog_tables(settings)
    process = _launch(settings)
    try:
        _wait_ready(settings, process)
    except ShoplakeError:
        down(settings)
        raise
    return time.monotonic() - started


def down(settings: Settings) -> bool:
    """Stop the Trino this clone started (SIGTERM, then SIGKILL after 30 s); True if one ran."""
    pid = read_pid(settings)
    if pid is None:
        _pid_file(settings).unlink(missing_ok=True)
        return False
    os.kill(pid, 15)
    for _ in range(300):
        if not alive(pid):
            break
        time.sleep(0.1)
    else:
        os.kill(pid, 9)
    _pid_file(settings).unlink(missing_ok=True)
    return True
