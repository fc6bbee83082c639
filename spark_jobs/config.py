"""All shoplake settings, read from ``SHOPLAKE_*`` environment variables.

The defaults are the embedded set-up: a SQLite JDBC catalog and MinIO credentials in
``.local/`` of the clone, MinIO on 127.0.0.1:9000 and Spark ``local[*]``. Pointing the
same code at a cluster, a real S3 and PostgreSQL only changes these variables.
Spark jobs, DAGs, PyIceberg and tests all read settings through :func:`load_settings`.
This module must stay import-light: DAG files import it at parse time.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import quote, urlparse

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CATALOG_NAME = "lake"
NAMESPACES = ("bronze", "silver", "gold", "quarantine", "ops", "privacy")
MINIO_RELEASE = "RELEASE.2025-09-07T16-13-09Z"


@dataclass(frozen=True)
class Settings:
    """Where data lives and how to reach it. Build it with :func:`load_settings`."""

    home: Path                      # SHOPLAKE_HOME: local state (catalog, credentials, MinIO data)
    landing: str                    # SHOPLAKE_LANDING: root of raw files (s3://, file:// or a path)
    warehouse: str                  # SHOPLAKE_WAREHOUSE: Iceberg warehouse root
    catalog_uri: str                # SHOPLAKE_CATALOG_URI: jdbc:sqlite:... or jdbc:postgresql://...
    catalog_user: str | None        # SHOPLAKE_CATALOG_USER
    catalog_password: str | None    # SHOPLAKE_CATALOG_PASSWORD
    s3_endpoint: str                # SHOPLAKE_S3_ENDPOINT
    s3_access_key: str | None       # SHOPLAKE_S3_ACCESS_KEY (default: generated, .local/minio.env)
    s3_secret_key: str | None       # SHOPLAKE_S3_SECRET_KEY
    s3_region: str                  # SHOPLAKE_S3_REGION
    spark_master: str               # SHOPLAKE_SPARK_MASTER
    spark_driver_memory: str        # SHOPLAKE_SPARK_DRIVER_MEMORY
    shuffle_partitions: int         # SHOPLAKE_SHUFFLE_PARTITIONS
    cache_dir: Path                 # SHOPLAKE_CACHE: jars and the MinIO binary
    # SHOPLAKE_SNAPSHOT_RETENTION_DAYS: maintenance keeps every state of the last N days
    # readable by time travel and expires older snapshots (spark_jobs/maintenance.py).
    snapshot_retention_days: int = 7
    # SHOPLAKE_TRINO (on|off): `services up` starts Trino beside MinIO; SHOPLAKE_TRINO_PORT
    # its HTTP port on 127.0.0.1; SHOPLAKE_TRINO_JAVA_HOME a JDK >= 24 (spark_jobs/trino/install.py).
    trino_enabled: bool = True
    trino_port: int = 8090
    trino_java_home: str | None = None
    # SHOPLAKE_REPORTS: where quality.publish writes each run's HTML report (default
    # <home>/reports; spark_jobs/reports), or "off" for none.
    reports_root: Path | None = None
    reports_enabled: bool = True
    # SHOPLAKE_KAFKA (on|off): `services up` starts the embedded Kafka broker (spark_jobs/kafka).
    # SHOPLAKE_KAFKA_PORT, SHOPLAKE_KAFKA_CONTROLLER_PORT: its client and controller listeners
    # on 127.0.0.1 (None: free ports chosen at its first start, then kept in <home>/kafka/state.json).
    # SHOPLAKE_KAFKA_BOOTSTRAP: a real cluster's bootstrap servers (host:port,...); when set, no
    # local broker is started. SHOPLAKE_KAFKA_USERNAME/_PASSWORD: SASL/PLAIN credentials
    # (default: generated for the local broker into <home>/kafka/kafka.env);
    # SHOPLAKE_KAFKA_SECURITY_PROTOCOL: PLAINTEXT, SASL_PLAINTEXT, SSL or SASL_SSL (None:
    # SASL_PLAINTEXT with credentials, else PLAINTEXT). SHOPLAKE_KAFKA_PARTITIONS: partitions
    # of the topics shoplake creates.
    kafka_enabled: bool = True
    kafka_port: int | None = None
    kafka_controller_port: int | None = None
    kafka_bootstrap: str | None = None
    kafka_username: str | None = None
    kafka_password: str | None = None
    kafka_security_protocol: str | None = None
    kafka_partitions: int = 2
    extra: dict = field(default_factory=dict)

    @property
    def jars_dir(self) -> Path:
        return self.cache_dir / "jars"

    @property
    def minio_binary(self) -> Path:
        return Path(os.environ.get("SHOPLAKE_MINIO_BIN", self.cache_dir / "bin" / f"minio-{MINIO_RELEASE}"))

    @property
    def reports_dir(self) -> Path:
        return self.reports_root or self.home / "reports"

    @property
    def minio_env_file(self) -> Path:
        return self.home / "minio.env"

    @property
    def kafka_env_file(self) -> Path:
        """The local broker's generated SASL credentials (mode 0600)."""
        return self.home / "kafka" / "kafka.env"

    @property
    def kafka_local(self) -> bool:
        """Whether `services up` runs a broker here: on, and no real cluster named."""
        return self.kafka_enabled and not self.kafka_bootstrap

    @property
    def uses_s3(self) -> bool:
        return is_s3(self.warehouse) or is_s3(self.landing)

    def with_overrides(self, **changes) -> "Settings":
        return replace(self, **changes)


def is_s3(uri: str) -> bool:
    return urlparse(uri).scheme in ("s3", "s3a")


def _read_env_file(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line and not line.startswith("#"))
    return {k.strip(): v.strip() for k, v in pairs}


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Settings from ``env`` (default ``os.environ``), falling back to the embedded set-up."""
    env = dict(os.environ if env is None else env)
    home = Path(env.get("SHOPLAKE_HOME", PROJECT_ROOT / ".local")).resolve()
    generated = _read_env_file(home / "minio.env")
    kafka_generated = _read_env_file(home / "kafka" / "kafka.env")
    return Settings(
        home=home,
        landing=env.get("SHOPLAKE_LANDING", "s3://landing"),
        warehouse=env.get("SHOPLAKE_WAREHOUSE", "s3://warehouse"),
        catalog_uri=env.get("SHOPLAKE_CATALOG_URI", f"jdbc:sqlite:{home / 'catalog.db'}"),
        catalog_user=env.get("SHOPLAKE_CATALOG_USER"),
        catalog_password=env.get("SHOPLAKE_CATALOG_PASSWORD"),
        s3_endpoint=env.get("SHOPLAKE_S3_ENDPOINT", "http://127.0.0.1:9000"),
        s3_access_key=env.get("SHOPLAKE_S3_ACCESS_KEY", generated.get("MINIO_ROOT_USER")),
        s3_secret_key=env.get("SHOPLAKE_S3_SECRET_KEY", generated.get("MINIO_ROOT_PASSWORD")),
        s3_region=env.get("SHOPLAKE_S3_REGION", "us-east-1"),
        spark_master=env.get("SHOPLAKE_SPARK_MASTER", "local[*]"),
        spark_driver_memory=env.get("SHOPLAKE_SPARK_DRIVER_MEMORY", "4g"),
        shuffle_partitions=int(env.get("SHOPLAKE_SHUFFLE_PARTITIONS", "8")),
        cache_dir=Path(env.get("SHOPLAKE_CACHE", Path.home() / ".cache" / "shoplake")),
        snapshot_retention_days=int(env.get("SHOPLAKE_SNAPSHOT_RETENTION_DAYS", "7")),
        trino_enabled=env.get("SHOPLAKE_TRINO", "on").lower() not in ("off", "0", "false", "no"),
        trino_port=int(env.get("SHOPLAKE_TRINO_PORT", "8090")),
        trino_java_home=env.get("SHOPLAKE_TRINO_JAVA_HOME"),
        reports_root=_reports_root(env.get("SHOPLAKE_REPORTS")),
        reports_enabled=not _switched_off(env.get("SHOPLAKE_REPORTS")),
        kafka_enabled=not _switched_off(env.get("SHOPLAKE_KAFKA")),
        kafka_port=_optional_int(env.get("SHOPLAKE_KAFKA_PORT")),
        kafka_controller_port=_optional_int(env.get("SHOPLAKE_KAFKA_CONTROLLER_PORT")),
        kafka_bootstrap=env.get("SHOPLAKE_KAFKA_BOOTSTRAP", "").strip() or None,
        # A real cluster's credentials come from the environment only, never from the local
        # broker's generated file.
        kafka_username=env.get("SHOPLAKE_KAFKA_USERNAME") or (
            None if env.get("SHOPLAKE_KAFKA_BOOTSTRAP", "").strip() else kafka_generated.get("KAFKA_USERNAME")),
        kafka_password=env.get("SHOPLAKE_KAFKA_PASSWORD") or (
            None if env.get("SHOPLAKE_KAFKA_BOOTSTRAP", "").strip() else kafka_generated.get("KAFKA_PASSWORD")),
        kafka_security_protocol=env.get("SHOPLAKE_KAFKA_SECURITY_PROTOCOL", "").strip().upper() or None,
        kafka_partitions=int(env.get("SHOPLAKE_KAFKA_PARTITIONS") or "2"),
    )


def _optional_int(value: str | None) -> int | None:
    """An integer setting that may be unset or empty (docker-compose writes "")."""
    return int(value) if value and value.strip() else None


def _switched_off(value: str | None) -> bool:
    return value is not None and value.strip().lower() in ("off", "0", "false", "no")


def _reports_root(value: str | None) -> Path | None:
    """SHOPLAKE_REPORTS as a directory; None: the default (<home>/reports), or off."""
    if not value or _switched_off(value):
        return None
    return Path(value).expanduser().resolve()


def sqlalchemy_catalog_uri(settings: Settings) -> str:
    """The JDBC catalog URI in the form PyIceberg's SqlCatalog (SQLAlchemy) expects."""
    uri = settings.catalog_uri
    if uri.startswith("jdbc:sqlite:"):
        return "sqlite:///" + uri[len("jdbc:sqlite:"):]
    if uri.startswith("jdbc:postgresql://"):
        parsed = urlparse(uri[len("jdbc:"):])
        auth = ""
        if settings.catalog_user:     # quoted: a password may hold @, : or /
            password = f":{quote(settings.catalog_password, safe='')}" if settings.catalog_password else ""
            auth = f"{quote(settings.catalog_user, safe='')}{password}@"
        return f"postgresql+psycopg2://{auth}{parsed.netloc}{parsed.path}"
    raise ValueError(f"unsupported SHOPLAKE_CATALOG_URI {uri!r}: use jdbc:sqlite:<path> or jdbc:postgresql://host:port/db")
