"""Watch a running command as another local user could: every process's command line
(``ps -eww -o args``, readable by anyone) and the TCP ports the command's processes listen on."""
from __future__ import annotations

import ipaddress
import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

LISTEN = "0A"


@dataclass
class Observed:
    command_lines: set[str] = field(default_factory=set)
    listeners: set[tuple[str, int]] = field(default_factory=set)   # (address, port) of the command's processes


def descendants(root: int) -> set[int]:
    """``root`` and every process below it."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    found, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        children = [child for child, parent in parents.items() if parent == pid and child not in found]
        found.update(children)
        frontier.extend(children)
    return found


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    except OSError:
        pass
    return inodes


def _address(hex_address: str) -> str:
    """/proc/net/tcp{,6} store addresses as native-endian 32-bit words."""
    raw = bytes.fromhex(hex_address)
    words = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
    address = ipaddress.ip_address(words)
    mapped = getattr(address, "ipv4_mapped", None)
    return str(mapped or address)


def listening(pids: set[int]) -> set[tuple[str, int]]:
    """(address, port) of every TCP socket in LISTEN state owned by one of ``pids``."""
    inodes = set().union(*(_socket_inodes(pid) for pid in pids)) if pids else set()
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            columns = line.split()
            if columns[3] == LISTEN and columns[9] in inodes:
                host, port = columns[1].split(":")
                found.add((_address(host), int(port, 16)))
    return found


def run_watched(command: list[str], env: dict[str, str], timeout: float = 600) -> tuple[subprocess.CompletedProcess, Observed]:
    """Run ``command`` to completion, sampling command lines and listeners every 0.3 s."""
    observed = Observed()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample():
        while not done.is_set():
            # -ww: unlimited width; piped, ps would cut every line at 80 characters.
            ps = subprocess.run(["ps", "-eww", "-o", "args"], capture_output=True, text=True).stdout
            observed.command_lines.update(ps.splitlines())
            observed.listeners.update(listening(descendants(process.pid)))
            time.sleep(0.3)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    finally:
        done.set()
        watcher.join()
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr), observed
