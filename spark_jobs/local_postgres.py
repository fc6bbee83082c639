"""A private PostgreSQL server for the Iceberg JDBC catalog: the production catalog,
run on this machine (``python -m spark_jobs.local_postgres up|down|status``).

The server listens on 127.0.0.1 only, on a free port chosen at first start, with its
Unix socket in a private directory. Every TCP login needs a password (scram-sha-256,
no ``trust``): a superuser ``postgres`` and the catalog's owner ``iceberg``, both with
generated passwords. What the catalog needs is written to ``<home>/postgres.env``
(mode 0600): ``SHOPLAKE_CATALOG_URI``, ``SHOPLAKE_CATALOG_USER`` and
``SHOPLAKE_CATALOG_PASSWORD``, ready for ``set -a; . .local/postgres.env; set +a``.

``initdb`` refuses to run as root. Run as root, the server runs as the ``postgres``
system user the Debian package creates, from a data directory that user owns (0700)
under ``/var/tmp``: ``<home>`` is root's alone and the server cannot enter it. Its
location, port and password stay in ``<home>/postgres.json`` (0600), so ``up`` again
reuses the same cluster. The server's log is ``<home>/postgres.log``: the file is
opened by this process and handed to the server, so it stays owner-only too.
"""
from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from spark_jobs.errors import ShoplakeError
from spark_jobs.processes import LOOPBACK, alive, free_port, running_pid
from spark_jobs.local_state import open_private_log, private_dir, write_private

SERVER_USER = "postgres"        # the system user Debian's postgresql package creates
SUPERUSER = "postgres"
CATALOG_ROLE = "iceberg"
CATALOG_DATABASE = "iceberg"
STATE_FILE = "postgres.json"
ENV_FILE = "postgres.env"
LOG_FILE = "postgres.log"
START_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class LocalPostgres:
    """One local cluster: where it lives, where it listens, and its two logins."""

    root: str                   # owns data/ and socket/; owned by the server's user
    port: int
    superuser_password: str
    catalog_password: str

    @property
    def data_dir(self) -> Path:
        return Path(self.root) / "data"

    @property
    def socket_dir(self) -> Path:
        return Path(self.root) / "socket"

    @property
    def jdbc_uri(self) -> str:
        return f"jdbc:postgresql://{LOOPBACK}:{self.port}/{CATALOG_DATABASE}"

    def catalog_env(self) -> dict[str, str]:
        """The SHOPLAKE_CATALOG_* settings that put a lake's catalog in this server."""
        return {"SHOPLAKE_CATALOG_URI": self.jdbc_uri, "SHOPLAKE_CATALOG_USER": CATALOG_ROLE,
                "SHOPLAKE_CATALOG_PASSWORD": self.catalog_password}

    def pid(self) -> int | None:
        """The postmaster's pid while it runs (the first line of its postmaster.pid)."""
        return running_pid(self.data_dir / "postmaster.pid")


def server_binaries(env: dict[str, str] | None = None) -> Path:
    """The directory holding initdb and postgres: ``SHOPLAKE_PG_BIN``, else the newest
    ``/usr/lib/postgresql/<version>/bin`` (Debian's layout)."""
    env = os.environ if env is None else env
    candidates = [Path(env["SHOPLAKE_PG_BIN"])] if env.get("SHOPLAKE_PG_BIN") else sorted(
        Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: _version(p.parent.name))[::-1]
    for directory in candidates:
        if (directory / "initdb").is_file() and (directory / "postgres").is_file():
            return directory
    raise ShoplakeError("PostgreSQL server binaries not found (install Debian's `postgresql` package, "
                        "or set SHOPLAKE_PG_BIN to the directory holding initdb and postgres)")


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def _server_user() -> pwd.struct_passwd | None:
    """The account the server runs as when we are root (initdb refuses root); None otherwise."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SERVER_USER)
    except KeyError:
        raise ShoplakeError(f"running as root, PostgreSQL needs the `{SERVER_USER}` system user "
                            "(Debian's postgresql package creates it)") from None


def _as_server_user(command: list[str]) -> list[str]:
    """``command`` run as the server's account: ``setpriv`` execs it, so the pid we get is the server's."""
    user = _server_user()
    if user is None:
        return command
    return ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--init-groups", "--", *command]


def _new_root(home: Path) -> Path:
    """A directory for data/ and socket/ that the server's account owns and can reach."""
    user = _server_user()
    if user is None:
        return private_dir(home / "postgres")
    root = Path(tempfile.mkdtemp(prefix="shoplake-postgres-", dir="/var/tmp"))    # 0700
    os.chown(root, user.pw_uid, user.pw_gid)
    return root


def _give_to_server(path: Path) -> None:
    user = _server_user()
    if user is not None:
        os.chown(path, user.pw_uid, user.pw_gid)


def _run(command: list[str], log, log_path: Path, what: str) -> None:
    result = subprocess.run(_as_server_user(command), stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, cwd="/", env=_server_env())
    if result.returncode != 0:
        raise ShoplakeError(f"{what} failed with code {result.returncode}; see {log_path}")


def _server_env() -> dict[str, str]:
    """A minimal environment: the server needs no secret and no variable of ours."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}


def _server_conf(server: LocalPostgres) -> str:
    return (f"\n# shoplake: loopback only, a private socket, passwords on every login\n"
            f"listen_addresses = '{LOOPBACK}'\nport = {server.port}\n"
            f"unix_socket_directories = '{server.socket_dir}'\nunix_socket_permissions = 0700\n"
            f"password_encryption = 'scram-sha-256'\n")


HBA = ("# shoplake: every login needs its password; only the loopback address listens\n"
       "local all all scram-sha-256\n"
       f"host all all {LOOPBACK}/32 scram-sha-256\n")


def _initdb(server: LocalPostgres, binaries: Path, log, log_path: Path) -> None:
    """A new cluster whose superuser password is never on a command line (``--pwfile``)."""
    for directory in (server.data_dir, server.socket_dir):
        directory.mkdir(mode=0o700)
        _give_to_server(directory)
    password_file = Path(server.root) / "superuser.pw"
    write_private(password_file, server.superuser_password + "\n")
    _give_to_server(password_file)
    try:
        _run([str(binaries / "initdb"), "-D", str(server.data_dir), "-U", SUPERUSER, f"--pwfile={password_file}",
              "--auth=scram-sha-256", "-E", "UTF8", "--no-instructions"], log, log_path, "initdb")
    finally:
        password_file.unlink()
    with open(server.data_dir / "postgresql.conf", "a") as conf:
        conf.write(_server_conf(server))
    (server.data_dir / "pg_hba.conf").write_text(HBA)


def _connect(server: LocalPostgres, user: str, password: str, database: str = "postgres"):
    import psycopg2

    return psycopg2.connect(host=LOOPBACK, port=server.port, user=user, password=password, dbname=database,
                            connect_timeout=5)


def _wait_ready(server: LocalPostgres, process: subprocess.Popen, log_path: Path) -> None:
    import psycopg2

    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ShoplakeError(f"PostgreSQL exited with code {process.returncode}; see {log_path}")
        try:
            _connect(server, SUPERUSER, server.superuser_password).close()
            return
        except psycopg2.OperationalError:
            time.sleep(0.2)
    raise ShoplakeError(f"PostgreSQL did not accept connections in {START_TIMEOUT_SECONDS} s; see {log_path}")


def _create_catalog_database(server: LocalPostgres) -> None:
    """The ``iceberg`` role (not a superuser) and its database, once."""
    import psycopg2
    from psycopg2 import sql

    try:
        connection = _connect(server, SUPERUSER, server.superuser_password)
    except psycopg2.OperationalError as error:
        first_line = str(error).strip().splitlines()[0]
        raise ShoplakeError(f"the PostgreSQL server on {LOOPBACK}:{server.port} refuses this home's superuser "
                            f"({first_line}): another server holds the port? `down --remove` and `up` again") from None
    connection.autocommit = True       # CREATE DATABASE cannot run in a transaction
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (CATALOG_ROLE,))
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(CATALOG_ROLE), sql.Literal(server.catalog_password)))
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (CATALOG_DATABASE,))
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(CATALOG_DATABASE), sql.Identifier(CATALOG_ROLE)))
    finally:
        connection.close()


def _load(home: Path) -> LocalPostgres | None:
    try:
        return LocalPostgres(**json.loads((home / STATE_FILE).read_text()))
    except FileNotFoundError:
        return None


def _save(home: Path, server: LocalPostgres) -> None:
    write_private(home / STATE_FILE, json.dumps(asdict(server)))
    write_private(home / ENV_FILE, "".join(f"{k}={v}\n" for k, v in server.catalog_env().items()))


def _new_server(home: Path) -> LocalPostgres:
    return LocalPostgres(root=str(_new_root(home)), port=free_port(),
                         superuser_password=secrets.token_urlsafe(24), catalog_password=secrets.token_urlsafe(24))


def up(home: Path) -> LocalPostgres:
    """Start the home's PostgreSQL (initialising it the first time) and wait until the
    catalog database accepts logins. Idempotent: a running server is left as it is."""
    private_dir(home)
    server = _load(home)
    if server is not None and server.pid() is not None:
        _create_catalog_database(server)
        return server
    binaries = server_binaries()
    log_path = home / LOG_FILE
    with open_private_log(log_path) as log:
        if server is None or not (server.data_dir / "PG_VERSION").is_file():
            server = _new_server(home)
            _save(home, server)
            _initdb(server, binaries, log, log_path)
        process = subprocess.Popen(_as_server_user([str(binaries / "postgres"), "-D", str(server.data_dir)]),
                                   stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd="/",
                                   env=_server_env(), start_new_session=True)
    _wait_ready(server, process, log_path)
    _create_catalog_database(server)
    return server


def down(home: Path, remove: bool = False) -> bool:
    """Stop the home's PostgreSQL by its postmaster's pid (SIGINT: fast shutdown, open
    sessions are ended); with ``remove`` also delete its data. True if it was running."""
    server = _load(home)
    if server is None:
        return False
    pid = server.pid()
    if pid is not None:
        os.kill(pid, signal.SIGINT)
        deadline = time.monotonic() + 30
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if alive(pid):
            raise ShoplakeError(f"PostgreSQL (pid {pid}) did not stop in 30 s; see {home / LOG_FILE}")
    if remove:
        shutil.rmtree(server.root, ignore_errors=True)
        for name in (STATE_FILE, ENV_FILE):
            (home / name).unlink(missing_ok=True)
    return pid is not None


def status(home: Path) -> str:
    server = _load(home)
    if server is None:
        return "postgres: not initialised"
    pid = server.pid()
    if pid is None:
        return f"postgres: down (data in {server.data_dir})"
    return f"postgres: running at {LOOPBACK}:{server.port} pid={pid} catalog={server.jdbc_uri} (env in {home / ENV_FILE})"


def main(argv: list[str] | None = None) -> int:
    """``python -m spark_jobs.local_postgres up|down|status [--remove]`` for ``SHOPLAKE_HOME``."""
    import argparse

    from spark_jobs.config import load_settings
    from spark_jobs.local_state import restrict_umask

    parser = argparse.ArgumentParser(prog="python -m spark_jobs.local_postgres", description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=("up", "down", "status"))
    parser.add_argument("--remove", action="store_true", help="with down: delete the cluster's data too")
    args = parser.parse_args(argv)
    restrict_umask()
    home = load_settings().home
    try:
        if args.action == "up":
            up(home)
        elif args.action == "down":
            print("postgres: stopped" if down(home, remove=args.remove) else "postgres: was not running")
            return 0
        print(status(home))
    except ShoplakeError as error:
        print(f"shoplake: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
