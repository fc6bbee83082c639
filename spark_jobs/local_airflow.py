"""Airflow on this machine as ``make airflow`` runs it, for the benchmark and the browser
test: ``airflow standalone`` (API server with the UI, scheduler, DAG processor,
triggerer) with the environment of ``scripts/airflow_env.sh``, in an AIRFLOW_HOME and on
a 127.0.0.1 port of the caller's choosing, stopped by its process group.

The REST API helpers (:meth:`LocalAirflow.api`) log in as the generated ``admin`` user.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from spark_jobs.config import PROJECT_ROOT
from spark_jobs.errors import ShoplakeError
from spark_jobs.local_state import open_private_log, private_dir
from spark_jobs.processes import LOOPBACK, free_port

START_TIMEOUT_SECONDS = 240
PASSWORD_FILE = "simple_auth_manager_passwords.json.generated"


def airflow_environment(home: Path, port: int, extra: dict[str, str]) -> dict[str, str]:
    """The variables scripts/airflow_env.sh sets, for ``home`` and ``port``, over ``extra``."""
    base = {**os.environ, **extra, "AIRFLOW_HOME": str(home), "AIRFLOW__API__PORT": str(port)}
    dump = subprocess.run(["bash", "-c", 'source scripts/airflow_env.sh && python3 -c '
                           '"import json, os; print(json.dumps(dict(os.environ)))"'],
                          cwd=PROJECT_ROOT, env=base, capture_output=True, text=True, check=True)
    return json.loads(dump.stdout)


@dataclass
class LocalAirflow:
    url: str
    home: Path
    env: dict[str, str]
    pid: int
    _token: str | None = None

    @property
    def password(self) -> str:
        return json.loads((self.home / PASSWORD_FILE).read_text())["admin"]

    def token(self) -> str:
        if self._token is None:
            body = json.dumps({"username": "admin", "password": self.password}).encode()
            request = urllib.request.Request(f"{self.url}/auth/token", data=body, method="POST",
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=30) as response:
                self._token = json.load(response)["access_token"]
        return self._token

    def api(self, method: str, path: str, body: dict | None = None) -> dict:
        """One call of the REST API (``/api/v2/...``), as admin."""
        request = urllib.request.Request(f"{self.url}/api/v2/{path.lstrip('/')}", method=method,
                                         data=json.dumps(body).encode() if body is not None else None,
                                         headers={"Content-Type": "application/json",
                                                  "Authorization": f"Bearer {self.token()}"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.load(response)

    def wait_for_run(self, dag_id: str, run_id: str, timeout: float = 1800) -> dict:
        """The run once it has finished (success or failed)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            run = self.api("GET", f"dags/{dag_id}/dagRuns/{run_id}")
            if run["state"] in ("success", "failed"):
                return run
            time.sleep(2)
        raise ShoplakeError(f"{dag_id} run {run_id} did not finish in {timeout:.0f} s")


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/v2/monitor/health", timeout=5) as response:
            health = json.load(response)
        return all(health.get(part, {}).get("status") == "healthy" for part in ("metadatabase", "scheduler"))
    except (urllib.error.URLError, OSError, ValueError):
        return False


@contextmanager
def local_airflow(home: Path, extra_env: dict[str, str] | None = None, port: int | None = None) -> Iterator[LocalAirflow]:
    """A running ``airflow standalone`` for the duration of the block; its output goes to
    ``home/standalone.log``. The pools are imported before it starts."""
    home = private_dir(home)
    port = port or free_port()
    env = airflow_environment(home, port, extra_env or {})
    airflow = str(PROJECT_ROOT / ".venv" / "bin" / "airflow")
    for step in ([airflow, "db", "migrate"], [str(PROJECT_ROOT / ".venv" / "bin" / "python"), "-m",
                                               "shoplake_airflow.pools"]):
        done = subprocess.run(step, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise ShoplakeError(f"{' '.join(step[-2:])} failed: {(done.stderr or done.stdout).strip()[-500:]}")
    with open_private_log(home / "standalone.log") as log:
        process = subprocess.Popen([airflow, "standalone"], cwd=PROJECT_ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    server = LocalAirflow(f"http://{LOOPBACK}:{port}", home, env, process.pid)
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not (_healthy(server.url) and (home / PASSWORD_FILE).exists()):
            if process.poll() is not None or time.monotonic() > deadline:
                raise ShoplakeError(f"airflow standalone did not become healthy on {server.url} "
                                    f"(log: {home / 'standalone.log'})")
            time.sleep(2)
        yield server
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue
