"""`shoplake services` runs a real MinIO with generated credentials, idempotently."""
import pytest

from spark_jobs import services
from spark_jobs.config import load_settings

pytestmark = pytest.mark.integration


def test_credentials_are_generated_and_never_the_default(minio_env):
    settings = load_settings(minio_env)
    assert settings.s3_access_key and settings.s3_secret_key
    assert "minioadmin" not in (settings.s3_access_key, settings.s3_secret_key)
    assert len(settings.s3_secret_key) >= 24
    assert (settings.home / "minio.env").stat().st_mode & 0o077 == 0


def test_status_reports_health_and_both_buckets(minio_env):
    status = services.status(load_settings(minio_env))
    assert status.healthy
    assert {"landing", "warehouse"} <= set(status.buckets)


def test_second_up_keeps_the_same_server_and_credentials(minio_env):
    settings = load_settings(minio_env)
    pid = services.status(settings).pid
    again = services.up(settings)
    assert services.status(again).pid == pid
    assert (again.s3_access_key, again.s3_secret_key) == (settings.s3_access_key, settings.s3_secret_key)
