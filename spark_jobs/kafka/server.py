"""The embedded Kafka broker: one KRaft process (broker and controller) on 127.0.0.1.

``up`` formats the data directory once (``kafka.tools.StorageTool format --standalone``
with a generated cluster id), then starts ``java -cp <pinned jars> kafka.Kafka
server.properties`` directly, so the pid in ``state.json`` is the broker's own JVM and
``down`` stops exactly it (SIGTERM, a controlled shutdown of a few seconds; SIGKILL after
30 s). It is ready when it answers a metadata request with shoplake's login. Nothing
secret is on its command line: the login is in the 0600 server.properties.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, replace

from spark_jobs.config import Settings
from spark_jobs.errors import ShoplakeError
from spark_jobs.kafka.clients import probe
from spark_jobs.kafka.config import (BrokerState, ensure_credentials, formatted_cluster_id, jvm_options, kafka_dir,
                                     logs_dir, new_cluster_id, read_state, saved_credentials, write_server_config,
                                     write_state)
from spark_jobs.kafka.install import classpath, find_java
from spark_jobs.local_state import OWNER_ONLY, open_private_log, private_dir
from spark_jobs.processes import LOOPBACK, alive, free_port

START_TIMEOUT = 120     # seconds; it answers after 5-9 s on a busy 2-core machine
STOP_TIMEOUT = 30


@dataclass(frozen=True)
class KafkaStatus:
    """Whether this clone's broker runs and answers, and where."""

    running: bool
    pid: int | None
    bootstrap: str | None
    topics: tuple[str, ...] = ()

    def describe(self, settings: Settings) -> str:
        if not settings.kafka_enabled:
            return "kafka: off (SHOPLAKE_KAFKA=off)"
        if settings.kafka_bootstrap:
            state = "reachable" if self.running else "not reachable"
            return f"kafka: external cluster {settings.kafka_bootstrap} ({state}; no local broker)"
        if not self.running and self.pid:
            return f"kafka: not answering at {self.bootstrap} pid={self.pid} (starting, or see its server.log)"
        if not self.running:
            return f"kafka: down ({self.bootstrap or 'never started'})"
        return (f"kafka: ready at {self.bootstrap} pid={self.pid} topics={','.join(self.topics) or '-'} "
                "(SASL/PLAIN)")


def read_pid(settings: Settings) -> int | None:
    """The pid of the broker this clone started, if it still runs: alive, and (where
    /proc tells) still a Kafka broker on this home's config, not a process that reused the pid."""
    state = read_state(settings)
    if not (state and state.pid and alive(state.pid)):
        return None
    try:
        command = open(f"/proc/{state.pid}/cmdline", "rb").read().split(b"\0")
    except OSError:
        return state.pid
    config = str(kafka_dir(settings) / "server.properties").encode()
    return state.pid if b"kafka.Kafka" in command and config in command else None


def status(settings: Settings) -> KafkaStatus:
    if not settings.kafka_enabled:
        return KafkaStatus(False, None, None)
    if settings.kafka_bootstrap:
        topics = probe(settings)
        return KafkaStatus(topics is not None, None, settings.kafka_bootstrap, tuple(topics or ()))
    state = read_state(settings)
    pid = read_pid(settings)
    if state is None or pid is None:
        return KafkaStatus(False, None, state.bootstrap if state else None)
    topics = probe(saved_credentials(settings), timeout=5)
    return KafkaStatus(topics is not None, pid, state.bootstrap, tuple(topics or ()))


def _listening(port: int) -> bool:
    """Whether something accepts TCP connections on 127.0.0.1:port."""
    try:
        with socket.create_connection((LOOPBACK, port), timeout=0.5):
            return True
    except OSError:
        return False


def _ports(settings: Settings, state: BrokerState | None) -> tuple[int, int]:
    """Client and controller ports: the settings', else the recorded ones, else free ones.
    A port something else listens on is a one-line error, not a broker that cannot bind."""
    port = settings.kafka_port or (state.port if state else None) or free_port()
    controller = settings.kafka_controller_port or (state.controller_port if state else None) or free_port()
    while controller == port:
        controller = free_port()
    for number, variable in ((port, "SHOPLAKE_KAFKA_PORT"), (controller, "SHOPLAKE_KAFKA_CONTROLLER_PORT")):
        if _listening(number):
            raise ShoplakeError(f"another server listens on {LOOPBACK}:{number}; stop it or set {variable} "
                                "to a free port")
    return port, controller


def _format(settings: Settings, java, config, cluster_id: str) -> None:
    """Format the data directory as a one-voter KRaft cluster (once, at the first start)."""
    log = logs_dir(settings) / "format.log"
    with open_private_log(log) as out:
        done = subprocess.run(
            [str(java), *jvm_options(settings), "-cp", classpath(settings), "kafka.tools.StorageTool", "format",
             "--standalone", "--cluster-id", cluster_id, "--config", str(config)],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, umask=OWNER_ONLY, timeout=120)
    if done.returncode != 0:
        raise ShoplakeError(f"formatting Kafka's data directory failed (exit {done.returncode}); see {log}")


def _launch(settings: Settings, java, config) -> subprocess.Popen:
    with open_private_log(logs_dir(settings) / "console.log") as log:
        return subprocess.Popen(
            [str(java), *jvm_options(settings), "-cp", classpath(settings), "kafka.Kafka", str(config)],
            cwd=kafka_dir(settings), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env={**os.environ, "JAVA_HOME": str(java.parent.parent)}, start_new_session=True, umask=OWNER_ONLY)


def _wait_ready(settings: Settings, process: subprocess.Popen, port: int) -> None:
    """Until the broker answers a metadata request: first its port opens (cheap to poll),
    then the request, with the login, succeeds."""
    deadline = time.monotonic() + START_TIMEOUT
    log = logs_dir(settings) / "server.log"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ShoplakeError(f"the Kafka broker exited with code {process.returncode} while starting; see {log}")
        if _listening(port) and probe(settings, timeout=min(5.0, max(deadline - time.monotonic(), 0.1))) is not None:
            return
        time.sleep(0.2)
    raise ShoplakeError(f"the Kafka broker did not answer in {START_TIMEOUT} s; see {log}")


def up(settings: Settings) -> float | None:
    """Start this clone's broker if it is not running; the seconds until it answered, or
    None if it already ran, is off, or a real cluster is named (SHOPLAKE_KAFKA_BOOTSTRAP)."""
    if not settings.kafka_local:
        return None
    settings = ensure_credentials(settings)
    if read_pid(settings) is not None:
        return None
    started = time.monotonic()
    java = find_java()
    classpath(settings)                     # missing jars: one line, before anything is written
    private_dir(kafka_dir(settings))
    state = read_state(settings)
    port, controller = _ports(settings, state)
    cluster_id = formatted_cluster_id(settings) or new_cluster_id()
    state = BrokerState(port=port, controller_port=controller, cluster_id=cluster_id)
    config = write_server_config(settings, state)
    if formatted_cluster_id(settings) is None:
        _format(settings, java, config, cluster_id)
    process = _launch(settings, java, config)
    write_state(settings, replace(state, pid=process.pid))
    try:
        _wait_ready(settings, process, port)
    except ShoplakeError:
        down(settings)
        raise
    return time.monotonic() - started


def down(settings: Settings) -> bool:
    """Stop the broker this clone started (SIGTERM, then SIGKILL after 30 s); True if one
    ran. Its ports and cluster id stay recorded for the next ``up``."""
    state = read_state(settings)
    pid = read_pid(settings)
    if state is None:
        return False
    if pid is not None:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + 5
            while alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
    write_state(settings, replace(state, pid=None))
    return pid is not None
