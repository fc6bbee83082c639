"""Local MinIO for the embedded set-up: ``shoplake services up|down|status`` (Trino and
the Kafka broker beside it: ``spark_jobs.trino``, ``spark_jobs.kafka``).

Credentials are generated on first start into ``.local/minio.env`` (never a default
password, mode 0600 from the start); buckets ``landing`` and ``warehouse`` are created if
missing. Every command is idempotent: ``up`` on a healthy server only re-checks the
buckets. MinIO runs under umask 077 and listens on the endpoint's loopback address.
:func:`read_only_credentials` hands ``shoplake sql`` temporary keys that can only read.
"""
from __future__ import annotations

import json
import os
import secrets
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlparse

from spark_jobs.config import Settings
from spark_jobs.errors import ShoplakeError
from spark_jobs.local_state import OWNER_ONLY, open_private_log, private_dir, write_private
from spark_jobs.processes import running_pid
from spark_jobs.session import S3Credentials
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
    private_dir(settings.home)
    user, password = f"shoplake-{secrets.token_hex(4)}", secrets.token_urlsafe(24)
    write_private(settings.minio_env_file, f"MINIO_ROOT_USER={user}\nMINIO_ROOT_PASSWORD={password}\n")
    return settings.with_overrides(s3_access_key=user, s3_secret_key=password)


def healthy(settings: Settings) -> bool:
    try:
        with urllib.request.urlopen(f"{settings.s3_endpoint}/minio/health/live", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _pid_file(settings: Settings):
    return settings.home / "minio.pid"


def _read_pid(settings: Settings) -> int | None:
    return running_pid(_pid_file(settings))


def _start_server(settings: Settings) -> None:
    binary = settings.minio_binary
    if not binary.is_file():
        raise ShoplakeError(f"MinIO is not available ({binary} missing; `make setup` builds it with Go). "
                            "Use the local-directory warehouse instead: "
                            "SHOPLAKE_WAREHOUSE=file://$PWD/.local/warehouse SHOPLAKE_LANDING=file://$PWD/.local/landing")
    endpoint = urlparse(settings.s3_endpoint)
    if endpoint.hostname not in LOCAL_HOSTS:
        raise ShoplakeError(f"SHOPLAKE_S3_ENDPOINT {settings.s3_endpoint} is not local and not reachable; start it there")
    data = private_dir(settings.home / "minio-data")
    env = {**os.environ, "MINIO_ROOT_USER": settings.s3_access_key, "MINIO_ROOT_PASSWORD": settings.s3_secret_key,
           "MINIO_BROWSER": "off", "MINIO_UPDATE": "off"}
    log = open_private_log(settings.home / "minio.log")
    process = subprocess.Popen(
        [str(binary), "server", str(data), "--address", f"{endpoint.hostname}:{endpoint.port}", "--quiet"],
        env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        umask=OWNER_ONLY)
    write_private(_pid_file(settings), str(process.pid))
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
    private_dir(settings.home)
    settings = ensure_credentials(settings)
    if not healthy(settings):
        _start_server(settings)
    _ensure_buckets(settings)
    return settings


def down(settings: Settings) -> bool:
    """Stop the MinIO this clone started, and first the Trino that reads from it and the
    Kafka broker `services up` started beside it (no server outlives its lake's MinIO);
    True if MinIO was running."""
    from spark_jobs.kafka import server as kafka_server
    from spark_jobs.trino import server as trino_server

    trino_server.down(settings)
    kafka_server.down(settings)
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


# MinIO ignores the role of AssumeRole: the temporary keys get the caller's rights cut
# down to the session policy. The name documents intent for a reader of MinIO's logs.
READ_ONLY_ROLE = "arn:minio:iam:::role/shoplake-sql-read-only"
READ_ONLY_SECONDS = 3600


def read_only_policy(bucket: str) -> dict:
    """An IAM session policy that lists and reads ``bucket`` and nothing else."""
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"],
            "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        }],
    }


def read_only_credentials(settings: Settings) -> S3Credentials:
    """Temporary keys (one hour) that can read the warehouse bucket only: S3 STS AssumeRole,
    which MinIO serves on its own endpoint, signed with the lake's keys and narrowed by an
    inline session policy. No extra user, binary or admin API is needed."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    sts = boto3.client("sts", endpoint_url=settings.s3_endpoint, region_name=settings.s3_region,
                       aws_access_key_id=settings.s3_access_key, aws_secret_access_key=settings.s3_secret_key)
    bucket = urlparse(settings.warehouse).netloc
    try:
        answer = sts.assume_role(RoleArn=READ_ONLY_ROLE, RoleSessionName="shoplake-sql",
                                 Policy=json.dumps(read_only_policy(bucket)), DurationSeconds=READ_ONLY_SECONDS)
    except ClientError as error:
        raise ShoplakeError(f"the S3 server at {settings.s3_endpoint} refused read-only credentials for "
                            f"`shoplake sql` ({error.response['Error'].get('Code')})") from None
    except BotoCoreError as error:
        raise ShoplakeError(f"could not get read-only credentials from {settings.s3_endpoint}: {error}") from None
    keys = answer["Credentials"]
    return S3Credentials(keys["AccessKeyId"], keys["SecretAccessKey"], keys["SessionToken"])
