"""Local state (``SHOPLAKE_HOME``: catalog, MinIO keys and data, logs) is the owner's alone.

The CLI, spark-submit's driver, MinIO and the scripts run under umask 077, so every file
they create is owner-only from its first byte; files holding secrets are also opened
with mode 0600 explicitly, so they are private even when a caller's umask is not.
"""
from __future__ import annotations

import os
from pathlib import Path

OWNER_ONLY = 0o077


def restrict_umask() -> None:
    """Files and directories this process (and its children: the JVM, MinIO) creates
    are readable by their owner only."""
    os.umask(OWNER_ONLY)


def private_dir(path: Path) -> Path:
    """``path`` as a directory only its owner can enter (tightened if it already existed)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_uid == os.getuid():
        path.chmod(0o700)
    return path


def write_private(path: Path, text: str) -> None:
    """Write a secret: the file has mode 0600 before its first byte is written."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def open_private_log(path: Path):
    """A log file to append to, owner-only."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab")
