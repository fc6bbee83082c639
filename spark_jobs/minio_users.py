"""The read-only MinIO user Trino reads the warehouse with.

A real MinIO user (not temporary STS keys: Trino holds its keys for as long as it runs)
whose only policy lists and reads the warehouse bucket, so a write through Trino is
refused by MinIO even if it got past Trino's ``iceberg.security=read_only``. Its keys are
generated once, like MinIO's root keys, into ``.local/trino-s3.env`` (0600), and the user
is (re)created idempotently by ``shoplake services up`` through MinIO's admin API.
"""
from __future__ import annotations

import secrets
from urllib.parse import urlparse

from spark_jobs.config import Settings, _read_env_file
from spark_jobs.errors import ShoplakeError
from spark_jobs.local_state import private_dir, write_private
from spark_jobs.services import read_only_policy
from spark_jobs.session import S3Credentials

POLICY_NAME = "shoplake-warehouse-read-only"


def keys_file(settings: Settings):
    return settings.home / "trino-s3.env"


def read_only_keys(settings: Settings) -> S3Credentials:
    """The read-only user's keys, generated on first use (never a default password)."""
    saved = _read_env_file(keys_file(settings))
    if saved.get("READ_ONLY_ACCESS_KEY") and saved.get("READ_ONLY_SECRET_KEY"):
        return S3Credentials(saved["READ_ONLY_ACCESS_KEY"], saved["READ_ONLY_SECRET_KEY"])
    private_dir(settings.home)
    access, secret = f"shoplake-ro-{secrets.token_hex(4)}", secrets.token_urlsafe(24)
    write_private(keys_file(settings), f"READ_ONLY_ACCESS_KEY={access}\nREAD_ONLY_SECRET_KEY={secret}\n")
    return S3Credentials(access, secret)


def _admin(settings: Settings):
    from minio import MinioAdmin
    from minio.credentials import StaticProvider

    endpoint = urlparse(settings.s3_endpoint)
    return MinioAdmin(endpoint=endpoint.netloc, secure=endpoint.scheme == "https", region=settings.s3_region,
                      credentials=StaticProvider(settings.s3_access_key, settings.s3_secret_key))


def ensure_read_only_user(settings: Settings) -> S3Credentials:
    """Create (or refresh) the user and its read-only policy on the warehouse bucket."""
    from minio.error import MinioAdminException

    keys = read_only_keys(settings)
    bucket = urlparse(settings.warehouse).netloc
    admin = _admin(settings)
    try:
        admin.policy_add(POLICY_NAME, policy=read_only_policy(bucket))
        admin.user_add(keys.access_key, keys.secret_key)
        # policy_set replaces the user's policies with exactly this one (attach would
        # fail on a second `services up`, and must never add rights to an existing user).
        admin.policy_set(POLICY_NAME, user=keys.access_key)
    except MinioAdminException as error:
        raise ShoplakeError(f"MinIO at {settings.s3_endpoint} refused to create the read-only user for Trino "
                            f"(HTTP {error._code})") from None
    return keys
