"""The embedded broker's files under ``<SHOPLAKE_HOME>/kafka/`` (directory 0700):

| file | what |
|---|---|
| ``state.json`` | pid, ports and cluster id (0600); the ports stay after ``down``, so the broker comes back where clients knew it |
| ``kafka.env`` | the generated SASL/PLAIN login (0600); ``load_settings`` reads it |
| ``server.properties`` | the broker's configuration (0600: it holds the login) |
| ``data/`` | the KRaft metadata log and every topic's partitions (``log.dirs``) |
| ``logs/`` | ``server.log`` (log4j, rolled) and ``console.log`` (the JVM's own output) |

One process is broker and controller (KRaft, ``process.roles=broker,controller``), both
listeners on 127.0.0.1 and both requiring SASL/PLAIN: the threat this project guards
against is another account on the same machine, which could otherwise read the events
(they carry user ids) or write its own.
"""
from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from spark_jobs.config import PROJECT_ROOT, Settings
from spark_jobs.local_state import private_dir, write_private
from spark_jobs.processes import LOOPBACK

HEAP = "512m"           # the broker leans on the page cache, not its heap; Spark needs the memory
NODE_ID = 1
USERNAME = "shoplake"
LOG4J_CONFIG = PROJECT_ROOT / "conf" / "kafka-log4j2.properties"

# Retention of every topic on the embedded broker (and of the topics shoplake creates on a
# real cluster). Kafka is the buffer between producers and the streaming job, not the
# record: bronze keeps every message's raw text, and the day's archive files land as files.
# 24 hours lets a streaming job that was down overnight catch up from its checkpoint. The
# byte cap bounds the disk a laptop gives it at peak rate (1M events/minute of ~300 bytes
# is ~18 GB an hour): 1 GiB per partition, whichever limit comes first. Segments of
# 128 MiB let retention delete in steps smaller than the cap (it drops whole segments).
RETENTION_HOURS = 24
RETENTION_BYTES = 1024 ** 3
SEGMENT_BYTES = 128 * 1024 ** 2


@dataclass(frozen=True)
class BrokerState:
    """What ``state.json`` records: the broker's pid while it runs, where it listens, and
    the cluster id its data directory was formatted with."""

    port: int
    controller_port: int
    cluster_id: str
    pid: int | None = None

    @property
    def bootstrap(self) -> str:
        return f"{LOOPBACK}:{self.port}"


def kafka_dir(settings: Settings) -> Path:
    return settings.home / "kafka"


def data_dir(settings: Settings) -> Path:
    return kafka_dir(settings) / "data"


def logs_dir(settings: Settings) -> Path:
    return kafka_dir(settings) / "logs"


def state_file(settings: Settings) -> Path:
    return kafka_dir(settings) / "state.json"


def read_state(settings: Settings) -> BrokerState | None:
    """The recorded state, or None before the broker's first start."""
    try:
        return BrokerState(**json.loads(state_file(settings).read_text()))
    except (FileNotFoundError, ValueError, TypeError):
        return None


def write_state(settings: Settings, state: BrokerState) -> None:
    private_dir(kafka_dir(settings))
    write_private(state_file(settings), json.dumps(asdict(state)) + "\n")


def new_cluster_id() -> str:
    """A Kafka cluster id: 16 random bytes as URL-safe base64 without padding (Kafka's
    ``Uuid``); like ``kafka-storage random-uuid``, never one that starts with '-'."""
    import base64

    while True:
        cluster_id = base64.urlsafe_b64encode(secrets.token_bytes(16)).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


def saved_credentials(settings: Settings) -> Settings:
    """Settings carrying a login: SHOPLAKE_KAFKA_USERNAME/_PASSWORD if set, else the local
    broker's from kafka.env if it has one (settings loaded before its first start lack it)."""
    if (settings.kafka_username and settings.kafka_password) or settings.kafka_bootstrap:
        return settings
    saved = _read_env(settings.kafka_env_file)
    if saved.get("KAFKA_USERNAME") and saved.get("KAFKA_PASSWORD"):
        return settings.with_overrides(kafka_username=saved["KAFKA_USERNAME"], kafka_password=saved["KAFKA_PASSWORD"])
    return settings


def ensure_credentials(settings: Settings) -> Settings:
    """:func:`saved_credentials`, or a login generated now for the local broker into
    kafka.env (0600 from its first byte)."""
    settings = saved_credentials(settings)
    if settings.kafka_username and settings.kafka_password:
        return settings
    private_dir(kafka_dir(settings))
    password = secrets.token_urlsafe(24)
    write_private(settings.kafka_env_file, f"KAFKA_USERNAME={USERNAME}\nKAFKA_PASSWORD={password}\n")
    return settings.with_overrides(kafka_username=USERNAME, kafka_password=password)


def _read_env(path: Path) -> dict[str, str]:
    try:
        lines = path.read_text().splitlines()
    except FileNotFoundError:
        return {}
    return dict(line.split("=", 1) for line in lines if "=" in line)


def plain_jaas(username: str, password: str, server: bool) -> str:
    """A PlainLoginModule JAAS line. The server's also lists the one user it accepts."""
    def quoted(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    users = f" user_{username}={quoted(password)}" if server else ""
    return (f"org.apache.kafka.common.security.plain.PlainLoginModule required "
            f"username={quoted(username)} password={quoted(password)}{users};")


def topic_config() -> dict[str, str]:
    """Retention every topic shoplake creates carries (see RETENTION_HOURS)."""
    return {"retention.ms": str(RETENTION_HOURS * 3600 * 1000), "retention.bytes": str(RETENTION_BYTES),
            "segment.bytes": str(SEGMENT_BYTES)}


def server_properties(settings: Settings, state: BrokerState) -> dict[str, str]:
    """server.properties of a one-node KRaft cluster on 127.0.0.1, sized for 2 cores."""
    jaas = plain_jaas(settings.kafka_username, settings.kafka_password, server=True)
    return {
        "process.roles": "broker,controller",
        "node.id": str(NODE_ID),
        # No listener off the loopback interface; the controller's is reached by this process only.
        "listeners": f"BROKER://{LOOPBACK}:{state.port},CONTROLLER://{LOOPBACK}:{state.controller_port}",
        "advertised.listeners": f"BROKER://{LOOPBACK}:{state.port}",
        "listener.security.protocol.map": "BROKER:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT",
        "inter.broker.listener.name": "BROKER",
        "controller.listener.names": "CONTROLLER",
        # `StorageTool format --standalone` makes this node the one voter of a dynamic quorum.
        "controller.quorum.bootstrap.servers": f"{LOOPBACK}:{state.controller_port}",
        "sasl.enabled.mechanisms": "PLAIN",
        "sasl.mechanism.inter.broker.protocol": "PLAIN",
        "sasl.mechanism.controller.protocol": "PLAIN",
        "listener.name.broker.plain.sasl.jaas.config": jaas,
        "listener.name.controller.plain.sasl.jaas.config": jaas,
        "log.dirs": str(data_dir(settings)),
        # Topics exist because shoplake created them (spark_jobs.kafka.topics), never because
        # a client with a typo in a name produced to it.
        "auto.create.topics.enable": "false",
        "num.partitions": str(settings.kafka_partitions),
        "default.replication.factor": "1",
        "min.insync.replicas": "1",
        # The internal topics of a one-node cluster: one replica each.
        "offsets.topic.replication.factor": "1",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
        "group.initial.rebalance.delay.ms": "0",    # one consumer of a test joins at once
        "log.retention.hours": str(RETENTION_HOURS),
        "log.retention.bytes": str(RETENTION_BYTES),
        "log.segment.bytes": str(SEGMENT_BYTES),
        "log.retention.check.interval.ms": "60000",
        # Two cores, shared with Spark and MinIO.
        "num.network.threads": "2",
        "num.io.threads": "2",
        "background.threads": "2",
        "num.recovery.threads.per.data.dir": "1",
    }


def write_server_config(settings: Settings, state: BrokerState) -> Path:
    """Write server.properties (0600: it holds the login); its path."""
    private_dir(kafka_dir(settings))
    private_dir(data_dir(settings))
    private_dir(logs_dir(settings))
    text = "".join(f"{key}={value}\n" for key, value in server_properties(settings, state).items())
    path = kafka_dir(settings) / "server.properties"
    write_private(path, text)
    return path


def jvm_options(settings: Settings) -> list[str]:
    """A small heap, Kafka's own GC settings, and log4j writing under kafka/logs."""
    return [f"-Xmx{HEAP}", f"-Xms{HEAP}", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent",
            "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true",
            f"-Dkafka.logs.dir={logs_dir(settings)}", f"-Dlog4j2.configurationFile={LOG4J_CONFIG}"]


def formatted_cluster_id(settings: Settings) -> str | None:
    """The cluster id ``meta.properties`` records, if the data directory is formatted."""
    try:
        lines = (data_dir(settings) / "meta.properties").read_text().splitlines()
    except FileNotFoundError:
        return None
    pairs = dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))
    return pairs.get("cluster.id")
