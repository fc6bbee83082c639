"""What every local server shoplake starts (MinIO, Trino, PostgreSQL, a Spark cluster)
needs: a free port on the loopback interface, and whether the process it started, known
by its PID, still runs."""
from __future__ import annotations

import os
import socket
from pathlib import Path

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    """A TCP port nothing listens on at this moment, on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def running_pid(pid_file: Path) -> int | None:
    """The PID written in ``pid_file`` (its first word), if that process still runs."""
    try:
        pid = int(pid_file.read_text().split()[0])
    except (FileNotFoundError, IndexError, ValueError):
        return None
    return pid if alive(pid) else None


def alive(pid: int) -> bool:
    """Whether the process runs. An exited child of this process (a server it started) is
    collected first, so it neither lingers as a zombie nor counts as running."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:       # not our child: nothing to collect
        pass
    try:
        os.kill(pid, 0)             # signal 0 only checks
    except ProcessLookupError:
        return False
    except PermissionError:         # exists, owned by another user
        return True
    return True
