"""Trino's generated configuration: read-only, loopback-only, secrets in owner-only files."""
from __future__ import annotations

from pathlib import Path

import pytest

from spark_jobs.config import load_settings
from spark_jobs.errors import ShoplakeError
from spark_jobs.query import choose_engine
from spark_jobs.session import S3Credentials
from spark_jobs.trino.config import catalog_properties, server_properties, write_config
from spark_jobs.trino.services import up

KEYS = S3Credentials("ro-access-key-123", "ro-secret-key-456")


def _properties(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if line)


@pytest.fixture()
def settings(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return load_settings({"SHOPLAKE_HOME": str(tmp_path / "home"), "SHOPLAKE_TRINO_PORT": "18123",
                          "SHOPLAKE_CATALOG_URI": "jdbc:sqlite:relative/catalog.db",
                          "SHOPLAKE_S3_ENDPOINT": "http://127.0.0.1:19000", "SHOPLAKE_CACHE": str(tmp_path / "cache")})


def test_the_catalog_is_read_only_with_an_absolute_catalog_url_and_the_read_only_keys(settings, tmp_path):
    catalog = catalog_properties(settings, KEYS)
    assert catalog["iceberg.security"] == "read_only"
    assert catalog["iceberg.jdbc-catalog.catalog-name"] == "lake"     # what Spark's JdbcCatalog writes
    assert catalog["iceberg.jdbc-catalog.connection-url"] == f"jdbc:sqlite:{tmp_path / 'relative' / 'catalog.db'}"
    assert (catalog["s3.aws-access-key"], catalog["s3.aws-secret-key"]) == (KEYS.access_key, KEYS.secret_key)
    assert catalog["fs.native-s3.enabled"] == "true" and catalog["s3.path-style-access"] == "true"


def test_the_server_listens_on_loopback_only(settings, tmp_path):
    server = server_properties(settings, tmp_path / "server")
    assert server["node.bind-ip"] == server["node.internal-address"] == "127.0.0.1"
    assert server["http-server.http.port"] == "18123"
    assert server["plugin.dir"] == str(tmp_path / "server" / "plugin")


def test_written_files_are_owner_only_and_only_the_catalog_file_holds_the_secret(settings, tmp_path):
    config = write_config(settings, tmp_path / "server", KEYS)
    home = config.parent.parent
    for path in [home, *home.rglob("*")]:
        assert path.stat().st_mode & 0o077 == 0, path
    assert KEYS.secret_key not in config.read_text()
    assert _properties(home / "etc" / "catalog" / "lake.properties")["s3.aws-secret-key"] == KEYS.secret_key


def test_a_postgresql_catalog_keeps_its_url_and_user(settings):
    postgres = settings.with_overrides(catalog_uri="jdbc:postgresql://127.0.0.1:5433/lake", catalog_user="lake",
                                       catalog_password="pw")
    catalog = catalog_properties(postgres, KEYS)
    assert catalog["iceberg.jdbc-catalog.connection-url"] == "jdbc:postgresql://127.0.0.1:5433/lake"
    assert catalog["iceberg.jdbc-catalog.driver-class"] == "org.postgresql.Driver"
    assert (catalog["iceberg.jdbc-catalog.connection-user"], catalog["iceberg.jdbc-catalog.connection-password"]) \
        == ("lake", "pw")


def test_a_local_directory_warehouse_uses_trinos_local_file_system(settings, tmp_path):
    local = settings.with_overrides(warehouse=(tmp_path / "wh").as_uri())
    catalog = catalog_properties(local, None)
    assert catalog["fs.native-local.enabled"] == "true" and "s3.endpoint" not in catalog


def test_writes_need_spark_and_trino_off_means_spark(settings):
    with pytest.raises(ShoplakeError, match="--write needs --engine spark"):
        choose_engine(settings, "trino", write=True)
    assert choose_engine(settings, None, write=True) == "spark"
    assert choose_engine(settings.with_overrides(trino_enabled=False), None, write=False) == "spark"
    assert choose_engine(settings, None, write=False) == "spark"      # nothing answers on 18123


def test_services_up_without_trino_installed_says_so_instead_of_failing(settings):
    assert up(settings).startswith("trino: not installed (")
    assert up(settings.with_overrides(trino_enabled=False)) == "trino: off (SHOPLAKE_TRINO=off)"
