"""Local MinIO for the embedded set-up: ``shoplake services up|down|status``.

Credentials are generated on first start into ``.local/minio.env`` (never a default
password); buckets ``landing`` and ``warehouse`` are created if missing. Every command
is idempotent: ``up`` on a healthy server only re-checks the buckets.
"""
from __future__ import annotations

import os
import secrets
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlparse

from spark_jobs.config import Settings
from spark_jobs.errors import ShoplakeError
from spark_jobs.storage import s3_client

BUCKETS = ("landing", "warehouse")
LOCAL_HOSTS = ("127.0.0.1", "localhost")


@dataclass(frozen=True)
class Status:
    healthy: bool
    pid: int | None
    buckets: tuple[str, ...]

    def describe(self, settings: Settings) -> str:
        if not self.healthy:
            return f"minio: down ({settings.s3_endpoint})"
        return f"minio: healthy at {settings.s3_endpoint} pid={self.pid} buckets={','.join(self.buckets) or '-'}"


def ensure_credentials(settings: Settings) -> Settings:
    """Generate root credentials once into .local/minio.env; settings then carry them."""
    if settings.s3_access_key and settings.s3_secret_key:
        return settings
    settings.home.mkdir(parents=True, exist_ok=True)
    user, password = f"shoplake-{secrets.token_hex(4)}", secrets.token_urlsafe(24)
    settings.minio_env_file.write_text(f"MINIO_ROOT_USER={user}\nMINIO_ROOT_PASSWORD={password}\n")
    settings.minio_env_file.chmod(0o600)
    return settings.with_overrides(s3_access_key=user, s3_secret_key=password)


def healthy(settings: Settings) -> bool:
    try:
        with urllib.request.urlopen(f"{settings.s3_endpoint}/minio/health/live", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _pid_file(settings: Settings):
    return settings.home / "minio.pid"


def _reap(pid: int) -> None:
    """Collect an exited child (tests start MinIO from their own process)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def _read_pid(settings: Settings) -> int | None:
    try:
        pid = int(_pid_file(settings).read_text())
        _reap(pid)
        os.kill(pid, 0)
        return pid
    except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
        return None


def _start_server(settings: Settings) -> None:
    binary = settings.minio_binary
    if not binary.is_file():
        raise ShoplakeError(f"MinIO is not available ({binary} missing; `make setup` builds it with Go). "
                            "Use the local-directory warehouse instead: "
                            "SHOPLAKE_WAREHOUSE=file://$PWD/.local/warehouse SHOPLAKE_LANDING=file://$PWD/.local/landing")
    endpoint = urlparse(settings.s3_endpoint)
    if endpoint.hostname not in LOCAL_HOSTS:
        raise ShoplakeError(f"SHOPLAKE_S3_ENDPOINT {settings.s3_endpoint} is not local and not reachable; start it there")
    data = settings.home / "minio-data"
    data.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "MINIO_ROOT_USER": settings.s3_access_key, "MINIO_ROOT_PASSWORD": settings.s3_secret_key,
           "MINIO_BROWSER": "off", "MINIO_UPDATE": "off"}
    log = open(settings.home / "minio.log", "ab")
    process = subprocess.Popen(
        [str(binary), "server", str(data), "--address", f"{endpoint.hostname}:{endpoint.port}", "--quiet"],
        env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    _pid_file(settings).write_text(str(process.pid))
    for _ in range(150):
        if healthy(settings):
            return
        if process.poll() is not None:
            raise ShoplakeError(f"MinIO exited with code {process.returncode}; see {settings.home / 'minio.log'}")
        time.sleep(0.2)
    raise ShoplakeError(f"MinIO did not become healthy in 30 s; see {settings.home / 'minio.log'}")


def _ensure_buckets(settings: Settings) -> None:
    from botocore.exceptions import ClientError

    client = s3_client(settings)
    try:
        existing = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
    except ClientError as error:
        raise ShoplakeError(f"the S3 server at {settings.s3_endpoint} rejects this clone's credentials "
                            f"({error.response['Error'].get('Code')}): another MinIO is using the port; stop it "
                            "or set SHOPLAKE_S3_ENDPOINT to a free port") from None
    for bucket in BUCKETS:
        if bucket not in existing:
            client.create_bucket(Bucket=bucket)


def up(settings: Settings) -> Settings:
    """Start MinIO if it is not healthy yet and make sure both buckets exist."""
    settings = ensure_credentials(settings)
    if not healthy(settings):
        _start_server(settings)
    _ensure_buckets(settings)
    return settings


def down(settings: Settings) -> bool:
    """Stop the MinIO this clone started; True if one was running."""
    pid = _read_pid(settings)
    if pid is None:
        return False
    os.kill(pid, 15)
    for _ in range(50):
        if _read_pid(settings) is None:
            break
        time.sleep(0.1)
    _pid_file(settings).unlink(missing_ok=True)
    return True


def status(settings: Settings) -> Status:
    if not healthy(settings):
        return Status(False, _read_pid(settings), ())
    names = tuple(sorted(b["Name"] for b in s3_client(settings).list_buckets().get("Buckets", [])))
    return Status(True, _read_pid(settings), names)
