"""The topics shoplake uses. Brokers do not create topics on first use (the embedded one
has ``auto.create.topics.enable=false``), so they are created here, with the retention of
:func:`spark_jobs.kafka.config.topic_config`.
"""
from __future__ import annotations

from spark_jobs.config import Settings
from spark_jobs.errors import ShoplakeError
from spark_jobs.kafka.clients import admin_client, bootstrap_servers
from spark_jobs.kafka.config import topic_config

EVENTS = "clickstream.events"       # every clickstream event, as producers send it
ALERTS = "clickstream.alerts"       # anomaly flags the streaming job publishes
CLICKSTREAM_TOPICS = (EVENTS, ALERTS)
TIMEOUT = 30.0


def create_topics(settings: Settings, names: tuple[str, ...] = CLICKSTREAM_TOPICS,
                  partitions: int | None = None) -> list[str]:
    """Create the topics that do not exist yet, with ``partitions`` partitions each
    (default SHOPLAKE_KAFKA_PARTITIONS) and the cluster's default replication; the names
    created. An existing topic is left as it is, whatever its partitions."""
    from confluent_kafka import KafkaError, KafkaException
    from confluent_kafka.admin import NewTopic

    count = partitions or settings.kafka_partitions
    if count < 1:
        raise ShoplakeError(f"a topic needs at least one partition (got {count})")
    client = admin_client(settings)
    existing = set(client.list_topics(timeout=TIMEOUT).topics)
    wanted = [name for name in names if name not in existing]
    if not wanted:
        return []
    # replication_factor=-1: the broker's default.replication.factor (1 on the embedded one).
    futures = client.create_topics([NewTopic(name, count, -1, config=topic_config()) for name in wanted],
                                   request_timeout=TIMEOUT)
    created = []
    for name, future in futures.items():
        try:
            future.result()
            created.append(name)
        except KafkaException as error:
            if error.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:   # another process won the race
                raise ShoplakeError(f"could not create Kafka topic {name} on {bootstrap_servers(settings)}: "
                                    f"{error.args[0].str()}") from None
    return sorted(created)


def partition_counts(settings: Settings, timeout: float = TIMEOUT) -> dict[str, int]:
    """Each non-internal topic's number of partitions."""
    metadata = admin_client(settings).list_topics(timeout=timeout)
    return {name: len(topic.partitions) for name, topic in sorted(metadata.topics.items())
            if not name.startswith("__")}


def main() -> int:
    """``python -m spark_jobs.kafka.topics``: create the clickstream topics on the cluster
    the settings name (the compose stack's airflow-init runs it); one line either way."""
    import sys

    from spark_jobs.config import load_settings

    settings = load_settings()
    try:
        created = create_topics(settings)
    except ShoplakeError as error:
        print(f"shoplake: {error}", file=sys.stderr)
        return 2
    print(f"kafka topics at {bootstrap_servers(settings)}: created {', '.join(created) or 'none (all exist)'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
