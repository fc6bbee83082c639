"""Trino's configuration, generated into ``SHOPLAKE_HOME/trino/etc`` (owner-only).

One coordinator that also runs tasks, HTTP on 127.0.0.1 only, sized for a 2-core laptop
that runs Spark and MinIO beside it. Its one catalog, ``lake``, is the same Iceberg JDBC
catalog Spark writes (same catalog name in the catalog tables, same database), opened
with ``iceberg.security=read_only`` and the read-only MinIO user's keys: analysts query
what Spark published, and neither Trino nor MinIO lets them change it.
"""
from __future__ import annotations

from pathlib import Path

from spark_jobs.config import CATALOG_NAME, Settings, is_s3
from spark_jobs.errors import ShoplakeError
from spark_jobs.local_state import private_dir, write_private
from spark_jobs.session import S3Credentials

HEAP = "1536M"      # Trino answers lake queries in well under this; Spark's driver needs the rest
TRINO_CATALOG = CATALOG_NAME


def trino_dir(settings: Settings) -> Path:
    """Everything Trino keeps locally: etc/ (config, secrets), its PID and its log."""
    return settings.home / "trino"


def jvm_options() -> list[str]:
    """The JVM flags Trino's own jvm.config recommends, with a small heap."""
    return [f"-Xmx{HEAP}", "-XX:InitialRAMPercentage=5", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError",
            "-XX:+HeapDumpOnOutOfMemoryError", "-XX:-OmitStackTraceInFastThrow", "-XX:ReservedCodeCacheSize=256M",
            "-XX:PerMethodRecompilationCutoff=10000", "-XX:PerBytecodeRecompilationCutoff=10000",
            "-Djdk.attach.allowAttachSelf=true", "-Djdk.nio.maxCachedBufferSize=2000000", "-Dfile.encoding=UTF-8",
            "-XX:+EnableDynamicAgentLoading", "--enable-native-access=ALL-UNNAMED"]


def server_properties(settings: Settings, server: Path) -> dict[str, str]:
    """config.properties (node properties included): a single-node cluster on 127.0.0.1."""
    home = trino_dir(settings)
    return {
        "node.environment": "shoplake",
        "node.id": "shoplake-local",
        "coordinator": "true",
        "node-scheduler.include-coordinator": "true",
        "http-server.http.port": str(settings.trino_port),
        "node.bind-ip": "127.0.0.1",              # no listener off the loopback interface
        "node.internal-address": "127.0.0.1",
        "discovery.uri": f"http://127.0.0.1:{settings.trino_port}",
        "plugin.dir": str(server / "plugin"),
        "catalog.config-dir": str(home / "etc" / "catalog"),
        "query.max-memory": "768MB",
        "query.max-memory-per-node": "768MB",
        "task.concurrency": "2",                  # the machine's cores, shared with Spark
    }


def _catalog_connection(settings: Settings) -> dict[str, str]:
    uri = settings.catalog_uri
    if uri.startswith("jdbc:sqlite:"):
        path = Path(uri[len("jdbc:sqlite:"):])
        # Trino resolves a relative SQLite path against its own working directory.
        connection = {"iceberg.jdbc-catalog.connection-url": f"jdbc:sqlite:{path.resolve()}",
                      "iceberg.jdbc-catalog.driver-class": "org.sqlite.JDBC"}
    elif uri.startswith("jdbc:postgresql:"):
        connection = {"iceberg.jdbc-catalog.connection-url": uri,
                      "iceberg.jdbc-catalog.driver-class": "org.postgresql.Driver"}
    else:
        raise ShoplakeError(f"Trino cannot open SHOPLAKE_CATALOG_URI {uri!r}: use jdbc:sqlite:<path> or jdbc:postgresql://")
    if settings.catalog_user:
        connection["iceberg.jdbc-catalog.connection-user"] = settings.catalog_user
    if settings.catalog_password:
        connection["iceberg.jdbc-catalog.connection-password"] = settings.catalog_password
    return connection


def _file_system(settings: Settings, keys: S3Credentials | None) -> dict[str, str]:
    if not is_s3(settings.warehouse):
        # A local-directory warehouse: Trino's native local file system, rooted at /.
        return {"fs.native-local.enabled": "true", "local.location": "/"}
    if keys is None:
        raise ShoplakeError("Trino on an S3 warehouse needs the read-only MinIO user's keys")
    return {"fs.native-s3.enabled": "true", "s3.endpoint": settings.s3_endpoint, "s3.path-style-access": "true",
            "s3.region": settings.s3_region, "s3.aws-access-key": keys.access_key,
            "s3.aws-secret-key": keys.secret_key}


def catalog_properties(settings: Settings, keys: S3Credentials | None) -> dict[str, str]:
    """catalog/lake.properties: the lake's Iceberg JDBC catalog, read-only."""
    return {
        "connector.name": "iceberg",
        "iceberg.catalog.type": "jdbc",
        # The name Spark's JdbcCatalog writes into the catalog tables' catalog_name column.
        "iceberg.jdbc-catalog.catalog-name": CATALOG_NAME,
        **_catalog_connection(settings),
        "iceberg.jdbc-catalog.default-warehouse-dir": settings.warehouse,
        "iceberg.security": "read_only",
        **_file_system(settings, keys),
    }


def _properties_text(properties: dict[str, str]) -> str:
    return "".join(f"{key}={value}\n" for key, value in properties.items())


def write_config(settings: Settings, server: Path, keys: S3Credentials | None) -> Path:
    """Write etc/ (every file 0600: the catalog file holds secrets); the config file's path."""
    home = private_dir(trino_dir(settings))
    catalog = private_dir(private_dir(home / "etc") / "catalog")
    write_private(home / "etc" / "config.properties", _properties_text(server_properties(settings, server)))
    write_private(catalog / f"{TRINO_CATALOG}.properties", _properties_text(catalog_properties(settings, keys)))
    return home / "etc" / "config.properties"


def http_uri(settings: Settings) -> str:
    return f"http://127.0.0.1:{settings.trino_port}"
