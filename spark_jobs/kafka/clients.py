"""How a producer, a consumer or Spark reaches Kafka: the embedded broker or a real cluster.

The address is ``SHOPLAKE_KAFKA_BOOTSTRAP`` when set, else the local broker's port from its
state file. With credentials (the local broker always has them) clients log in with
SASL/PLAIN. Spark's options are given to ``spark.read/readStream.format("kafka")`` inside
the job, never on a command line; Spark redacts them in plans and logs (the JAAS value
holds ``password``).
"""
from __future__ import annotations

import logging

from spark_jobs.config import Settings
from spark_jobs.errors import ShoplakeError
from spark_jobs.kafka.config import plain_jaas, read_state, saved_credentials

PROTOCOLS = ("PLAINTEXT", "SASL_PLAINTEXT", "SSL", "SASL_SSL")


def bootstrap_servers(settings: Settings) -> str:
    """host:port[,host:port...] of the cluster shoplake talks to."""
    if settings.kafka_bootstrap:
        return settings.kafka_bootstrap
    if not settings.kafka_enabled:
        raise ShoplakeError("Kafka is off (SHOPLAKE_KAFKA=off) and SHOPLAKE_KAFKA_BOOTSTRAP names no cluster")
    state = read_state(settings)
    if state is None:
        raise ShoplakeError("the local Kafka broker has never been started: run `shoplake services up`")
    return state.bootstrap


def security_protocol(settings: Settings) -> str:
    """SHOPLAKE_KAFKA_SECURITY_PROTOCOL, else SASL_PLAINTEXT with credentials, else PLAINTEXT."""
    protocol = settings.kafka_security_protocol or ("SASL_PLAINTEXT" if settings.kafka_username else "PLAINTEXT")
    if protocol not in PROTOCOLS:
        raise ShoplakeError(f"SHOPLAKE_KAFKA_SECURITY_PROTOCOL={protocol} is not one of {', '.join(PROTOCOLS)}")
    if protocol.startswith("SASL") and not (settings.kafka_username and settings.kafka_password):
        raise ShoplakeError(f"Kafka protocol {protocol} needs SHOPLAKE_KAFKA_USERNAME and SHOPLAKE_KAFKA_PASSWORD")
    return protocol


def client_config(settings: Settings) -> dict[str, str]:
    """confluent-kafka (librdkafka) settings: address and login, nothing else."""
    settings = saved_credentials(settings)
    protocol = security_protocol(settings)
    config = {"bootstrap.servers": bootstrap_servers(settings), "security.protocol": protocol}
    if protocol.startswith("SASL"):
        config.update({"sasl.mechanism": "PLAIN", "sasl.username": settings.kafka_username,
                       "sasl.password": settings.kafka_password})
    return config


def spark_options(settings: Settings) -> dict[str, str]:
    """Options of Spark's Kafka source and sink (``kafka.``-prefixed Kafka client settings)."""
    settings = saved_credentials(settings)
    protocol = security_protocol(settings)
    options = {"kafka.bootstrap.servers": bootstrap_servers(settings), "kafka.security.protocol": protocol}
    if protocol.startswith("SASL"):
        options.update({"kafka.sasl.mechanism": "PLAIN",
                        "kafka.sasl.jaas.config": plain_jaas(settings.kafka_username, settings.kafka_password,
                                                             server=False)})
    return options


def quiet_logger() -> logging.Logger:
    """A logger that drops librdkafka's messages: while a broker starts, every refused
    connection would otherwise print a line on stderr; failures are reported by the calls."""
    logger = logging.getLogger("shoplake.kafka.librdkafka")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())
    logger.propagate = False
    return logger


def admin_client(settings: Settings, **extra):
    """A confluent-kafka AdminClient for the cluster, quiet."""
    from confluent_kafka.admin import AdminClient

    return AdminClient({**client_config(settings), "logger": quiet_logger(), **extra})


def probe(settings: Settings, timeout: float = 5.0) -> list[str] | None:
    """The cluster's topic names if it answers within ``timeout`` seconds, else None.
    A login the broker refuses is a ShoplakeError: waiting longer would not help."""
    from confluent_kafka import KafkaError, KafkaException

    refused: list[str] = []

    def on_error(error) -> None:
        if error.code() in (KafkaError._AUTHENTICATION, KafkaError.SASL_AUTHENTICATION_FAILED):
            refused.append(error.str())

    client = admin_client(settings, error_cb=on_error)
    try:
        metadata = client.list_topics(timeout=timeout)
    except KafkaException:
        client.poll(0)      # error callbacks are served by poll, not during list_topics
        if refused:
            raise ShoplakeError(f"Kafka at {bootstrap_servers(settings)} refused shoplake's login "
                                f"({refused[0]}); check SHOPLAKE_KAFKA_USERNAME/_PASSWORD") from None
        return None
    return sorted(name for name in metadata.topics if not name.startswith("__"))
