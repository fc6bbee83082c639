"""The embedded Kafka broker for real: Kafka 4.4 from the pinned jars, started by
``spark_jobs.kafka.server`` in a private SHOPLAKE_HOME on free ports, written to and read
back with confluent-kafka and with Spark's Kafka source (the 3.5.7 connector on PySpark
3.5.9, loaded by the session factory like every other pinned jar)."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
import time

import pytest
from process_watch import listening

from spark_jobs.processes import alive, free_port

pytestmark = pytest.mark.integration

TOPIC = "shoplake.test.roundtrip"
PARTITIONS = 3
MESSAGES = 1000


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory):
    """A broker of its own (no SHOPLAKE_KAFKA_* of the caller's environment), stopped at
    the end of the session by its pid; the process must then be gone."""
    from spark_jobs.config import load_settings
    from spark_jobs.kafka import server
    from spark_jobs.kafka.config import ensure_credentials, read_state

    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPLAKE_KAFKA")}
    env["SHOPLAKE_HOME"] = str(tmp_path_factory.mktemp("kafka-home"))
    settings = ensure_credentials(load_settings(env))
    seconds = server.up(settings)
    pid = read_state(settings).pid
    print(f"\nKafka broker ready in {seconds:.1f} s (format + start + first metadata answer)")
    try:
        yield {"settings": settings, "env": env, "pid": pid, "seconds": seconds}
    finally:
        assert server.down(settings)
        assert not alive(pid), f"the broker (pid {pid}) still runs after down"
        assert read_state(settings).pid is None


@pytest.fixture(scope="module")
def produced(kafka_broker):
    """MESSAGES messages sent to a fresh topic of PARTITIONS partitions: value -> (topic,
    partition, offset) as the broker acknowledged each one."""
    from confluent_kafka import Producer

    from spark_jobs.kafka.clients import client_config, quiet_logger
    from spark_jobs.kafka.topics import create_topics

    settings = kafka_broker["settings"]
    assert create_topics(settings, (TOPIC,), partitions=PARTITIONS) == [TOPIC]
    acknowledged, failed = {}, []

    def on_delivery(error, message):
        if error is not None:
            failed.append(error)
        else:
            acknowledged[message.value().decode()] = (message.topic(), message.partition(), message.offset())

    # quiet: a fresh broker answers the idempotent producer's first request with a
    # retriable "coordinator load in progress", which librdkafka would print on stderr.
    producer = Producer({**client_config(settings), "acks": "all", "enable.idempotence": True,
                         "linger.ms": 5, "logger": quiet_logger()})
    for i in range(MESSAGES):
        producer.produce(TOPIC, key=f"user-{i % 37}".encode(), value=f"event-{i:05d}".encode(),
                         on_delivery=on_delivery)
    assert producer.flush(30) == 0
    assert failed == []
    assert len(acknowledged) == MESSAGES
    return acknowledged


def test_messages_are_consumed_back_exactly(kafka_broker, produced):
    from confluent_kafka import Consumer

    from spark_jobs.kafka.clients import client_config

    consumer = Consumer({**client_config(kafka_broker["settings"]), "group.id": "shoplake-test-roundtrip",
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer.subscribe([TOPIC])
    received = {}
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is None:
                if len(received) >= MESSAGES:
                    break           # everything arrived, and then nothing more
                continue
            assert message.error() is None, message.error()
            value = message.value().decode()
            assert value not in received, f"{value} delivered twice"
            received[value] = (message.topic(), message.partition(), message.offset())
    finally:
        consumer.close()
    assert received == produced


@pytest.fixture(scope="module")
def kafka_spark(settings):
    """The session factory's SparkSession, the suite's own if a test made it already (no
    tables needed here, so none are created): the pinned connector jars are on its
    classpath like every other pinned jar."""
    from spark_jobs.session import get_spark

    return get_spark("shoplake-tests", settings)


def test_spark_reads_the_topic_with_topic_partition_and_offset(kafka_spark, kafka_broker, produced):
    from spark_jobs.kafka.clients import spark_options

    frame = (kafka_spark.read.format("kafka").options(**spark_options(kafka_broker["settings"]))
             .option("subscribe", TOPIC).option("startingOffsets", "earliest").option("endingOffsets", "latest")
             .load())
    # The login is an option of the read, never shown in its plan (Spark redacts it).
    assert kafka_broker["settings"].kafka_password not in frame._jdf.queryExecution().toString()
    rows = frame.selectExpr("CAST(value AS STRING) AS value", "topic", "partition", "offset").collect()
    assert len(rows) == MESSAGES
    assert {row.value: (row.topic, row.partition, row.offset) for row in rows} == produced
    assert {row.partition for row in rows} == set(range(PARTITIONS))


def test_clickstream_topics_are_created_once_with_retention(kafka_broker):
    from confluent_kafka.admin import ConfigResource

    from spark_jobs.kafka.clients import admin_client
    from spark_jobs.kafka.config import RETENTION_BYTES, RETENTION_HOURS, read_state
    from spark_jobs.kafka.topics import CLICKSTREAM_TOPICS, create_topics, partition_counts

    settings = kafka_broker["settings"]
    # As the compose stack's airflow-init creates them: a cluster named by its address and login.
    bootstrap = read_state(settings).bootstrap
    env = {**kafka_broker["env"], "SHOPLAKE_KAFKA_BOOTSTRAP": bootstrap,
           "SHOPLAKE_KAFKA_USERNAME": settings.kafka_username, "SHOPLAKE_KAFKA_PASSWORD": settings.kafka_password}
    made = subprocess.run([sys.executable, "-m", "spark_jobs.kafka.topics"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == f"kafka topics at {bootstrap}: created {', '.join(sorted(CLICKSTREAM_TOPICS))}"
    assert create_topics(settings) == []          # a second call leaves them as they are
    counts = partition_counts(settings)
    assert {name: counts[name] for name in CLICKSTREAM_TOPICS} == {name: settings.kafka_partitions
                                                                   for name in CLICKSTREAM_TOPICS}
    resource = ConfigResource(ConfigResource.Type.TOPIC, CLICKSTREAM_TOPICS[0])
    client = admin_client(settings)     # kept alive until the answer is in
    config = client.describe_configs([resource])[resource].result(timeout=30)
    assert config["retention.ms"].value == str(RETENTION_HOURS * 3600 * 1000)
    assert config["retention.bytes"].value == str(RETENTION_BYTES)


def test_broker_listens_on_loopback_only_and_keeps_its_files_private(kafka_broker):
    from spark_jobs.kafka.config import kafka_dir, read_state

    settings, pid = kafka_broker["settings"], kafka_broker["pid"]
    state = read_state(settings)
    listeners = listening({pid})
    assert {state.port, state.controller_port} <= {port for _, port in listeners}
    assert {address for address, _ in listeners} == {"127.0.0.1"}
    root = kafka_dir(settings)
    paths = [root, *root.rglob("*")]
    assert (root / "data" / "meta.properties").is_file()
    assert [p for p in paths if stat.S_IMODE(p.lstat().st_mode) & 0o077] == []
    # The login is in the 0600 files only, never on the broker's command line.
    command = open(f"/proc/{pid}/cmdline", "rb").read().decode()
    assert settings.kafka_password not in command and "kafka.Kafka" in command


def test_a_wrong_password_is_refused_in_one_line(kafka_broker):
    from spark_jobs.errors import ShoplakeError
    from spark_jobs.kafka.clients import probe

    with pytest.raises(ShoplakeError, match="refused shoplake's login"):
        probe(kafka_broker["settings"].with_overrides(kafka_password="not-the-password"), timeout=3)


def test_services_status_and_a_second_up_see_the_same_broker(kafka_broker):
    from spark_jobs.kafka import server
    from spark_jobs.kafka.config import read_state

    settings = kafka_broker["settings"]
    assert server.up(settings) is None                # already running: nothing started
    assert read_state(settings).pid == kafka_broker["pid"]
    # MinIO's line probes an endpoint nothing listens on: never another clone's MinIO.
    env = {**kafka_broker["env"], "SHOPLAKE_TRINO": "off", "SHOPLAKE_S3_ENDPOINT": f"http://127.0.0.1:{free_port()}"}
    shown = subprocess.run([sys.executable, "-m", "spark_jobs.cli", "services", "status"], env=env,
                           capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0, shown.stderr
    line = [text for text in shown.stdout.splitlines() if text.startswith("kafka:")]
    assert line == [f"kafka: ready at 127.0.0.1:{read_state(settings).port} pid={kafka_broker['pid']} "
                    f"topics={','.join(server.status(settings).topics)} (SASL/PLAIN)"]
