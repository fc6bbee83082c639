"""A Spark standalone cluster on this machine: one master and one worker started from
the installed PySpark (``spark-class org.apache.spark.deploy.master.Master`` / ``worker.Worker``).

It is the production execution path in miniature: a job submitted with
``SHOPLAKE_SPARK_MASTER=spark://127.0.0.1:<port>`` runs its tasks in executor JVMs the
worker launches, which must get jars, Python and S3 credentials from the driver as a
real cluster's would. Both daemons and their web UIs listen on 127.0.0.1 only
(``SPARK_LOCAL_IP``); their logs and the worker's directory (executors' stdout/stderr)
are owner-only under the cluster's private directory. The daemons get no ``SHOPLAKE_*``
variable: executors can only read the lake with what the driver sends them.

    python -m spark_jobs.local_spark_cluster up|down|status    (state in SHOPLAKE_HOME/spark-cluster)
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

from spark_jobs.errors import ShoplakeError
from spark_jobs.processes import LOOPBACK, alive, free_port
from spark_jobs.local_state import OWNER_ONLY, open_private_log, private_dir, write_private

MASTER_CLASS = "org.apache.spark.deploy.master.Master"
WORKER_CLASS = "org.apache.spark.deploy.worker.Worker"
START_TIMEOUT_SECONDS = 90
DAEMON_MEMORY = "512m"      # master and worker only schedule; executors get the worker's memory
STATE_FILE = "cluster.json"


@dataclass(frozen=True)
class LocalSparkCluster:
    """A running master and worker: their pids and ports, and the directory holding their
    logs and the worker's executor directories."""

    root: str
    master_port: int
    master_ui_port: int
    worker_ui_port: int
    master_pid: int
    worker_pid: int

    @property
    def master_url(self) -> str:
        """What ``SHOPLAKE_SPARK_MASTER`` is set to for jobs on this cluster."""
        return f"spark://{LOOPBACK}:{self.master_port}"

    @property
    def work_dir(self) -> Path:
        """The worker's directory: ``<app id>/<executor id>/{stdout,stderr}`` per executor."""
        return Path(self.root) / "work"

    def state(self) -> dict:
        """The master's JSON status page: ``workers``, ``activeapps``, ``completedapps``."""
        with urllib.request.urlopen(f"http://{LOOPBACK}:{self.master_ui_port}/json/", timeout=5) as response:
            return json.load(response)

    def applications(self) -> list[dict]:
        """Every application the master knows, running or finished (a driver that just
        exited may not be marked finished yet), oldest first."""
        state = self.state()
        return sorted(state["activeapps"] + state["completedapps"], key=lambda app: app["starttime"])


def spark_home() -> Path:
    """The installed PySpark: its ``bin/spark-class`` and ``jars/`` are a Spark distribution."""
    import pyspark

    home = Path(pyspark.__file__).resolve().parent
    if not (home / "bin" / "spark-class").is_file():
        raise ShoplakeError(f"{home} has no bin/spark-class: reinstall pyspark (`make setup`)")
    return home


def _daemon_env(root: Path) -> dict[str, str]:
    """The daemons' environment: loopback only, no secret of ours (no SHOPLAKE_* or AWS_*)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHOPLAKE_", "AWS_"))}
    env.update({
        "SPARK_HOME": str(spark_home()),
        "SPARK_LOCAL_IP": LOOPBACK,             # RPC and web UIs bind here
        "SPARK_DAEMON_MEMORY": DAEMON_MEMORY,
        "SPARK_WORKER_DIR": str(root / "work"),
        "SPARK_LOG_DIR": str(root),
        "SPARK_CONF_DIR": str(private_dir(root / "conf")),     # empty: no stray spark-defaults
    })
    return env


def _start(root: Path, name: str, args: list[str]) -> int:
    command = [str(spark_home() / "bin" / "spark-class"), *args]
    with open_private_log(root / f"{name}.log") as log:
        process = subprocess.Popen(command, env=_daemon_env(root), stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, cwd=root, start_new_session=True, umask=OWNER_ONLY)
    return process.pid


def _wait_for_worker(cluster: LocalSparkCluster) -> None:
    """Until the master lists the worker as ALIVE (it registers a few seconds after start)."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        for name, pid in (("master", cluster.master_pid), ("worker", cluster.worker_pid)):
            if not alive(pid):
                raise ShoplakeError(f"the Spark {name} exited; see {Path(cluster.root) / (name + '.log')}")
        try:
            if any(worker["state"] == "ALIVE" for worker in cluster.state()["workers"]):
                return
        except OSError:
            pass
        time.sleep(0.5)
    stop(cluster)
    raise ShoplakeError(f"no Spark worker registered with the master in {START_TIMEOUT_SECONDS} s; "
                        f"see the logs in {cluster.root}")


def start(root: Path, cores: int = 2, memory: str = "2g") -> LocalSparkCluster:
    """Start a master and a worker offering ``cores`` and ``memory`` to executors, on free
    loopback ports, and wait until the worker has registered."""
    root = private_dir(root)
    private_dir(root / "work")
    master_port, master_ui_port, worker_ui_port = free_port(), free_port(), free_port()
    master_pid = _start(root, "master", [MASTER_CLASS, "--host", LOOPBACK, "--port", str(master_port),
                                         "--webui-port", str(master_ui_port)])
    worker_pid = _start(root, "worker", [WORKER_CLASS, f"spark://{LOOPBACK}:{master_port}", "--host", LOOPBACK,
                                         "--cores", str(cores), "--memory", memory,
                                         "--webui-port", str(worker_ui_port), "--work-dir", str(root / "work")])
    cluster = LocalSparkCluster(str(root), master_port, master_ui_port, worker_ui_port, master_pid, worker_pid)
    write_private(root / STATE_FILE, json.dumps(asdict(cluster)))
    _wait_for_worker(cluster)
    return cluster


def _terminate(pid: int) -> None:
    """SIGTERM, then SIGKILL after 20 s: a worker's shutdown also ends its executors."""
    if not alive(pid):
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 20
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if alive(pid):
        os.kill(pid, signal.SIGKILL)


def stop(cluster: LocalSparkCluster) -> None:
    """Stop the worker (and its executors), then the master, by their pids."""
    _terminate(cluster.worker_pid)
    _terminate(cluster.master_pid)


def load(root: Path) -> LocalSparkCluster | None:
    try:
        return LocalSparkCluster(**json.loads((root / STATE_FILE).read_text()))
    except FileNotFoundError:
        return None


def main(argv: list[str] | None = None) -> int:
    """``python -m spark_jobs.local_spark_cluster up|down|status`` under ``SHOPLAKE_HOME/spark-cluster``."""
    import argparse

    from spark_jobs.config import load_settings

    parser = argparse.ArgumentParser(prog="python -m spark_jobs.local_spark_cluster",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=("up", "down", "status"))
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--memory", default="2g")
    args = parser.parse_args(argv)
    os.umask(OWNER_ONLY)
    root = load_settings().home / "spark-cluster"
    cluster = load(root)
    running = cluster is not None and alive(cluster.master_pid) and alive(cluster.worker_pid)
    try:
        if args.action == "up" and not running:
            cluster, running = start(root, args.cores, args.memory), True
        elif args.action == "down":
            if cluster is not None:
                stop(cluster)
            print("spark cluster: stopped" if running else "spark cluster: was not running")
            return 0
    except ShoplakeError as error:
        print(f"shoplake: {error}", file=sys.stderr)
        return 2
    if not running:
        print("spark cluster: down")
    else:
        print(f"spark cluster: master {cluster.master_url} (pid {cluster.master_pid}, "
              f"UI http://{LOOPBACK}:{cluster.master_ui_port}), worker pid {cluster.worker_pid}; "
              f"SHOPLAKE_SPARK_MASTER={cluster.master_url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
