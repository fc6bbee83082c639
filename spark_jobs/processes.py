"""What every local server shoplake starts (MinIO, Trino, PostgreSQL, a Spark cluster)
needs: a free port on the loopback interface, and whether the process it started, known
by its PID, still runs."""
from __future__ import annotations

import os
import socket

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    """A TCP port nothing listens on at this moment, on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


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
