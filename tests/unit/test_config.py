"""Settings come from SHOPLAKE_* variables and default to the embedded set-up."""

import pytest

from spark_jobs.config import load_settings, sqlalchemy_catalog_uri


def test_defaults_are_the_embedded_setup(tmp_path):
    settings = load_settings({"SHOPLAKE_HOME": str(tmp_path)})
    assert settings.landing == "s3://landing"
    assert settings.warehouse == "s3://warehouse"
    assert settings.catalog_uri == f"jdbc:sqlite:{tmp_path / 'catalog.db'}"
    assert settings.s3_endpoint == "http://127.0.0.1:9000"
    assert settings.spark_master == "local[*]"


def test_every_setting_is_overridden_by_its_variable(tmp_path):
    env = {
        "SHOPLAKE_HOME": str(tmp_path), "SHOPLAKE_LANDING": "file:///data/landing",
        "SHOPLAKE_WAREHOUSE": "s3://lake", "SHOPLAKE_CATALOG_URI": "jdbc:postgresql://db:5432/iceberg",
        "SHOPLAKE_S3_ENDPOINT": "https://s3.example", "SHOPLAKE_S3_ACCESS_KEY": "ak",
        "SHOPLAKE_S3_SECRET_KEY": "sk", "SHOPLAKE_SPARK_MASTER": "spark://m:7077",
    }
    settings = load_settings(env)
    assert (settings.landing, settings.warehouse, settings.catalog_uri) == (
        "file:///data/landing", "s3://lake", "jdbc:postgresql://db:5432/iceberg")
    assert (settings.s3_endpoint, settings.s3_access_key, settings.s3_secret_key, settings.spark_master) == (
        "https://s3.example", "ak", "sk", "spark://m:7077")


def test_generated_minio_credentials_are_read_from_home(tmp_path):
    (tmp_path / "minio.env").write_text("MINIO_ROOT_USER=u1\nMINIO_ROOT_PASSWORD=p1\n")
    settings = load_settings({"SHOPLAKE_HOME": str(tmp_path)})
    assert (settings.s3_access_key, settings.s3_secret_key) == ("u1", "p1")


def test_explicit_keys_win_over_generated_ones(tmp_path):
    (tmp_path / "minio.env").write_text("MINIO_ROOT_USER=u1\nMINIO_ROOT_PASSWORD=p1\n")
    settings = load_settings({"SHOPLAKE_HOME": str(tmp_path), "SHOPLAKE_S3_ACCESS_KEY": "mine"})
    assert settings.s3_access_key == "mine"


def test_pyiceberg_uri_is_derived_from_the_jdbc_uri(tmp_path):
    sqlite = load_settings({"SHOPLAKE_HOME": str(tmp_path)})
    assert sqlalchemy_catalog_uri(sqlite) == f"sqlite:///{tmp_path / 'catalog.db'}"
    pg = load_settings({"SHOPLAKE_CATALOG_URI": "jdbc:postgresql://db:5432/iceberg",
                        "SHOPLAKE_CATALOG_USER": "ice", "SHOPLAKE_CATALOG_PASSWORD": "pw"})
    assert sqlalchemy_catalog_uri(pg) == "postgresql+psycopg2://ice:pw@db:5432/iceberg"


def test_a_catalog_password_with_url_characters_is_quoted():
    pg = load_settings({"SHOPLAKE_CATALOG_URI": "jdbc:postgresql://db:5432/iceberg",
                        "SHOPLAKE_CATALOG_USER": "ice", "SHOPLAKE_CATALOG_PASSWORD": "p@ss:w/rd%"})
    assert sqlalchemy_catalog_uri(pg) == "postgresql+psycopg2://ice:p%40ss%3Aw%2Frd%25@db:5432/iceberg"


def test_unsupported_catalog_uri_is_rejected():
    with pytest.raises(ValueError, match="unsupported SHOPLAKE_CATALOG_URI"):
        sqlalchemy_catalog_uri(load_settings({"SHOPLAKE_CATALOG_URI": "thrift://hive:9083"}))


def test_spark_launch_conf_holds_no_secrets(tmp_path):
    from spark_jobs.session import launch_conf

    settings = load_settings({"SHOPLAKE_HOME": str(tmp_path), "SHOPLAKE_S3_SECRET_KEY": "very-secret"})
    assert "very-secret" not in " ".join(launch_conf(settings, check_jars=False).values())


def test_missing_jars_are_reported_by_name(tmp_path):
    from spark_jobs.errors import ShoplakeError
    from spark_jobs.session import jar_paths

    with pytest.raises(ShoplakeError, match="iceberg-spark-runtime"):
        jar_paths(load_settings({"SHOPLAKE_CACHE": str(tmp_path)}))
