"""The one way to build a SparkSession for shoplake.

Iceberg SQL extensions, catalog ``lake`` = Iceberg JdbcCatalog (SQLite locally,
PostgreSQL in production), S3FileIO with path-style access for an ``s3://``
warehouse, and S3A for reading raw files from an ``s3://`` landing root.
:func:`spark_conf` is shared with the Airflow SparkSubmitOperator so a DAG task and
the CLI run with identical configuration.

No secret is ever a launch setting: PySpark hands the builder's settings to
spark-submit as ``--conf`` arguments, which every local user can read in ``ps``.
:func:`get_spark` applies the S3 keys and the catalog password to the running session
instead (:func:`apply_credentials`), through the Py4J gateway only this process can use.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from spark_jobs.config import CATALOG_NAME, PROJECT_ROOT, Settings, is_s3, load_settings
from spark_jobs.errors import ShoplakeError

JAR_NAMES = (
    "iceberg-spark-runtime-3.5_2.12-1.11.0.jar",
    "iceberg-aws-bundle-1.11.0.jar",
    "sqlite-jdbc-3.50.3.0.jar",
    "postgresql-42.7.8.jar",
    "hadoop-aws-3.3.4.jar",
    "aws-java-sdk-bundle-1.12.262.jar",
    # Spark's Kafka source: the newest connector Maven Central serves (3.5.7) runs on Spark
    # 3.5.9, with the Kafka client its POM names. Never the embedded broker's jars (Kafka 4.4,
    # Scala 2.13), which live apart in the cache (spark_jobs/kafka/install.py).
    "spark-sql-kafka-0-10_2.12-3.5.7.jar",
    "spark-token-provider-kafka-0-10_2.12-3.5.7.jar",
    "kafka-clients-3.4.1.jar",
    "commons-pool2-2.11.1.jar",
)

LOG4J_CONFIG = PROJECT_ROOT / "conf" / "log4j2.properties"
CATALOG_PREFIX = f"spark.sql.catalog.{CATALOG_NAME}"
LOOPBACK = "127.0.0.1"
LOOPBACK_HOSTS = (LOOPBACK, "localhost")


@dataclass(frozen=True)
class S3Credentials:
    """The key pair a session signs S3 requests with; ``session_token`` for temporary
    (STS) credentials such as the read-only identity of ``shoplake sql``."""

    access_key: str
    secret_key: str
    session_token: str | None = None

    @classmethod
    def of(cls, settings: Settings) -> "S3Credentials":
        return cls(settings.s3_access_key or "", settings.s3_secret_key or "")


def jar_paths(settings: Settings, check: bool = True) -> list[Path]:
    """Pinned jars fetched by scripts/bootstrap.sh; a clear error when one is missing."""
    paths = [settings.jars_dir / name for name in JAR_NAMES]
    missing = [p.name for p in paths if not p.is_file()]
    if check and missing:
        raise ShoplakeError(f"missing jars in {settings.jars_dir}: {', '.join(missing)} (run `make setup`)")
    return paths


def _catalog_conf(settings: Settings) -> dict[str, str]:
    prefix = CATALOG_PREFIX
    conf = {
        prefix: "org.apache.iceberg.spark.SparkCatalog",
        f"{prefix}.catalog-impl": "org.apache.iceberg.jdbc.JdbcCatalog",
        f"{prefix}.uri": settings.catalog_uri,
        f"{prefix}.warehouse": settings.warehouse,
        # One JDBC connection: SQLite allows one writer, so the steps a job runs side by side
        # queue for it to commit (a commit is a few milliseconds of catalog work).
        f"{prefix}.clients": "1",
        # V1 adds view support; PyIceberg reads the same tables.
        f"{prefix}.jdbc.schema-version": "V1",
    }
    if settings.catalog_uri.startswith("jdbc:sqlite:"):
        # SQLite answers a second writer (another run's commit) with SQLITE_BUSY, which
        # Iceberg's commit retry does not retry: wait up to a minute for its write lock instead.
        conf[f"{prefix}.jdbc.busy_timeout"] = "60000"
    if settings.catalog_user:
        conf[f"{prefix}.jdbc.user"] = settings.catalog_user
    if is_s3(settings.warehouse):
        conf.update({
            f"{prefix}.io-impl": "org.apache.iceberg.aws.s3.S3FileIO",
            f"{prefix}.s3.endpoint": settings.s3_endpoint,
            f"{prefix}.s3.path-style-access": "true",
            f"{prefix}.client.region": settings.s3_region,
        })
    return conf


def _landing_conf(settings: Settings) -> dict[str, str]:
    """S3A for raw landing files; ``s3://`` is mapped to S3A so URIs stay as users write them."""
    return {
        "spark.hadoop.fs.s3.impl": "org.apache.hadoop.fs.s3a.S3AFileSystem",
        "spark.hadoop.fs.s3a.endpoint": settings.s3_endpoint,
        "spark.hadoop.fs.s3a.path.style.access": "true",
        "spark.hadoop.fs.s3a.connection.ssl.enabled": str(settings.s3_endpoint.startswith("https")).lower(),
        "spark.hadoop.fs.s3a.endpoint.region": settings.s3_region,
        "spark.hadoop.fs.s3a.attempts.maximum": "3",
        "spark.hadoop.fs.s3a.retry.limit": "3",
    }


def _network_conf(settings: Settings) -> dict[str, str]:
    """No web UI in batch jobs (it served every driver's state on 0.0.0.0:4040), and a driver
    whose executors all run on this machine listens on the loopback interface only: a
    ``local`` master (executors in the driver's JVM) or a standalone master on a loopback
    address (``spark://127.0.0.1:…``, ``spark_jobs.local_spark_cluster``). On a remote
    cluster the executors connect back to the driver, so Spark's default host is kept."""
    conf = {"spark.ui.enabled": "false"}
    if _executors_are_local(settings.spark_master):
        conf.update({"spark.driver.bindAddress": LOOPBACK, "spark.driver.host": LOOPBACK})
    return conf


def _executors_are_local(master: str) -> bool:
    if master.startswith("local"):
        return True
    hosts = urlparse(master).netloc.split(",")        # spark://host1:port1,host2:port2
    return all(host.rsplit(":", 1)[0] in LOOPBACK_HOSTS for host in hosts)


def credential_conf(settings: Settings, credentials: S3Credentials) -> dict[str, str]:
    """The session settings that hold secrets, applied after start by :func:`apply_credentials`."""
    conf = {}
    if settings.catalog_password:
        conf[f"{CATALOG_PREFIX}.jdbc.password"] = settings.catalog_password
    if is_s3(settings.warehouse):
        conf[f"{CATALOG_PREFIX}.s3.access-key-id"] = credentials.access_key
        conf[f"{CATALOG_PREFIX}.s3.secret-access-key"] = credentials.secret_key
        if credentials.session_token:
            conf[f"{CATALOG_PREFIX}.s3.session-token"] = credentials.session_token
    return conf


def s3a_credential_conf(credentials: S3Credentials) -> dict[str, str]:
    """S3A's Hadoop settings for the same credentials (landing files are read through S3A)."""
    conf = {"fs.s3a.access.key": credentials.access_key, "fs.s3a.secret.key": credentials.secret_key}
    if credentials.session_token:
        conf["fs.s3a.session.token"] = credentials.session_token
        conf["fs.s3a.aws.credentials.provider"] = "org.apache.hadoop.fs.s3a.TemporaryAWSCredentialsProvider"
    else:
        conf["fs.s3a.aws.credentials.provider"] = "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider"
    return conf


def apply_credentials(spark, settings: Settings, credentials: S3Credentials | None = None) -> None:
    """Give a running session its secrets. Iceberg reads the catalog's settings when the
    catalog is first used and S3A when a file system is first opened, so this must run
    before the first query; the values only cross the owner's Py4J gateway."""
    credentials = credentials or S3Credentials.of(settings)
    for key, value in credential_conf(settings, credentials).items():
        spark.conf.set(key, value)
    if settings.uses_s3:
        hadoop = spark.sparkContext._jsc.hadoopConfiguration()
        for key, value in s3a_credential_conf(credentials).items():
            hadoop.set(key, value)


def launch_conf(settings: Settings, check_jars: bool = True) -> dict[str, str]:
    """Settings that must be known when the driver JVM starts (spark-submit arguments).

    They hold no secrets: SparkSubmitOperator logs its command line. Everything else is
    applied by :func:`get_spark` inside the application.
    """
    return {
        "spark.jars": ",".join(str(p) for p in jar_paths(settings, check=check_jars)),
        "spark.driver.memory": settings.spark_driver_memory,
        # The throughput collector: a batch job wants no concurrent GC threads competing
        # with the task threads for the few cores of a local run (G1's default).
        "spark.driver.extraJavaOptions": f"-Dlog4j.configurationFile={LOG4J_CONFIG} -XX:+UseParallelGC",
        "spark.pyspark.python": sys.executable,
        "spark.pyspark.driver.python": sys.executable,
    }


def spark_conf(settings: Settings) -> dict[str, str]:
    """Every Spark setting shoplake relies on."""
    conf = launch_conf(settings)
    conf.update({
        "spark.sql.extensions": "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
        "spark.sql.defaultCatalog": CATALOG_NAME,
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.shuffle.partitions": str(settings.shuffle_partitions),
        "spark.sql.adaptive.enabled": "true",
        # Landing files are read in 16 MB splits (Spark's default is up to 128 MB): a day of
        # text is then read, hashed and written to bronze by every core, as files silver
        # can again split between cores.
        "spark.sql.files.maxPartitionBytes": str(16 * 1024 * 1024),
        # Cached frames live for one job step: building the columnar cache's compression
        # statistics cost more CPU than the memory it saves.
        "spark.sql.inMemoryColumnarStorage.compressed": "false",
        "spark.ui.showConsoleProgress": "false",
    })
    conf.update(_network_conf(settings))
    conf.update(_catalog_conf(settings))
    conf.update(_landing_conf(settings))
    return conf


def get_spark(app_name: str, settings: Settings | None = None, credentials: S3Credentials | None = None,
              extra_conf: dict[str, str] | None = None):
    """A SparkSession on ``SHOPLAKE_SPARK_MASTER`` with the lake catalog configured,
    signing S3 requests with ``credentials`` (default: the settings' keys); ``extra_conf``
    adds to or overrides :func:`spark_conf` (a benchmark's status retention)."""
    from pyspark.sql import SparkSession

    settings = settings or load_settings()
    builder = SparkSession.builder.appName(app_name).master(settings.spark_master)
    for key, value in {**spark_conf(settings), **(extra_conf or {})}.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    apply_credentials(spark, settings, credentials)
    return spark
