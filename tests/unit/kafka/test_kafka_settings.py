"""Kafka settings, client options and the broker's configuration, without a broker."""
from __future__ import annotations

import stat
from pathlib import Path

import pytest

from spark_jobs.config import load_settings
from spark_jobs.errors import ShoplakeError

ROOT = Path(__file__).resolve().parents[3]


def test_defaults_start_a_local_broker_on_ports_chosen_later(tmp_path):
    settings = load_settings({"SHOPLAKE_HOME": str(tmp_path)})
    assert settings.kafka_enabled and settings.kafka_local
    assert (settings.kafka_port, settings.kafka_controller_port, settings.kafka_bootstrap) == (None, None, None)
    assert (settings.kafka_username, settings.kafka_password, settings.kafka_partitions) == (None, None, 2)


@pytest.mark.parametrize("value", ["off", "OFF", "0", "false", "no"])
def test_kafka_off_means_no_broker(tmp_path, value):
    settings = load_settings({"SHOPLAKE_HOME": str(tmp_path), "SHOPLAKE_KAFKA": value})
    assert not settings.kafka_enabled and not settings.kafka_local


def test_ports_and_partitions_are_read_and_an_empty_port_is_unset(tmp_path):
    env = {"SHOPLAKE_HOME": str(tmp_path), "SHOPLAKE_KAFKA_PORT": "19092",
           "SHOPLAKE_KAFKA_CONTROLLER_PORT": "19093", "SHOPLAKE_KAFKA_PARTITIONS": "6"}
    settings = load_settings(env)
    assert (settings.kafka_port, settings.kafka_controller_port, settings.kafka_partitions) == (19092, 19093, 6)
    # docker-compose writes "" for a setting it leaves unset
    empty = load_settings({**env, "SHOPLAKE_KAFKA_PORT": "", "SHOPLAKE_KAFKA_CONTROLLER_PORT": " "})
    assert (empty.kafka_port, empty.kafka_controller_port) == (None, None)


def test_the_local_brokers_generated_login_is_read_from_home(tmp_path):
    (tmp_path / "kafka").mkdir()
    (tmp_path / "kafka" / "kafka.env").write_text("KAFKA_USERNAME=shoplake\nKAFKA_PASSWORD=p1\n")
    settings = load_settings({"SHOPLAKE_HOME": str(tmp_path)})
    assert (settings.kafka_username, settings.kafka_password) == ("shoplake", "p1")


def test_a_real_cluster_replaces_the_local_broker_and_never_gets_its_login(tmp_path):
    (tmp_path / "kafka").mkdir()
    (tmp_path / "kafka" / "kafka.env").write_text("KAFKA_USERNAME=shoplake\nKAFKA_PASSWORD=p1\n")
    settings = load_settings({"SHOPLAKE_HOME": str(tmp_path), "SHOPLAKE_KAFKA_BOOTSTRAP": "k1:9092,k2:9092"})
    assert settings.kafka_enabled and not settings.kafka_local
    assert (settings.kafka_username, settings.kafka_password) == (None, None)
    from spark_jobs.kafka.clients import client_config

    assert client_config(settings) == {"bootstrap.servers": "k1:9092,k2:9092", "security.protocol": "PLAINTEXT"}


def test_a_real_clusters_login_and_protocol_come_from_the_environment(tmp_path):
    from spark_jobs.kafka.clients import client_config, spark_options

    settings = load_settings({"SHOPLAKE_HOME": str(tmp_path), "SHOPLAKE_KAFKA_BOOTSTRAP": "k1:9093",
                              "SHOPLAKE_KAFKA_USERNAME": "svc", "SHOPLAKE_KAFKA_PASSWORD": 'p"w\\d',
                              "SHOPLAKE_KAFKA_SECURITY_PROTOCOL": "sasl_ssl"})
    assert client_config(settings) == {"bootstrap.servers": "k1:9093", "security.protocol": "SASL_SSL",
                                       "sasl.mechanism": "PLAIN", "sasl.username": "svc", "sasl.password": 'p"w\\d'}
    options = spark_options(settings)
    assert options["kafka.bootstrap.servers"] == "k1:9093" and options["kafka.security.protocol"] == "SASL_SSL"
    # JAAS quoting: the password's quote and backslash are escaped, and the client lists no users.
    assert options["kafka.sasl.jaas.config"] == (
        'org.apache.kafka.common.security.plain.PlainLoginModule required username="svc" password="p\\"w\\\\d";')


@pytest.mark.parametrize("env, message", [
    ({"SHOPLAKE_KAFKA_BOOTSTRAP": "k:9092", "SHOPLAKE_KAFKA_SECURITY_PROTOCOL": "TLS"}, "is not one of"),
    ({"SHOPLAKE_KAFKA_BOOTSTRAP": "k:9092", "SHOPLAKE_KAFKA_SECURITY_PROTOCOL": "SASL_SSL"}, "needs SHOPLAKE_KAFKA_USERNAME"),
    ({"SHOPLAKE_KAFKA": "off"}, "SHOPLAKE_KAFKA=off"),
    ({}, "run `shoplake services up`"),
])
def test_unusable_kafka_settings_are_one_line_errors(tmp_path, env, message):
    from spark_jobs.kafka.clients import client_config

    with pytest.raises(ShoplakeError, match=message):
        client_config(load_settings({"SHOPLAKE_HOME": str(tmp_path), **env}))


def test_the_local_login_is_generated_once_owner_only(tmp_path):
    from spark_jobs.kafka.config import ensure_credentials

    first = ensure_credentials(load_settings({"SHOPLAKE_HOME": str(tmp_path)}))
    assert first.kafka_username == "shoplake" and len(first.kafka_password) >= 24
    assert stat.S_IMODE(first.kafka_env_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(first.kafka_env_file.parent.stat().st_mode) == 0o700
    again = ensure_credentials(load_settings({"SHOPLAKE_HOME": str(tmp_path)}))
    assert again.kafka_password == first.kafka_password
    # settings loaded before the first start get the saved login, not a new one
    stale = load_settings({"SHOPLAKE_HOME": str(tmp_path / "elsewhere")}).with_overrides(home=tmp_path)
    assert ensure_credentials(stale).kafka_password == first.kafka_password


def test_the_broker_listens_on_loopback_with_sasl_and_retention(tmp_path):
    from spark_jobs.kafka.config import BrokerState, ensure_credentials, server_properties, write_server_config

    settings = ensure_credentials(load_settings({"SHOPLAKE_HOME": str(tmp_path)}))
    state = BrokerState(port=19092, controller_port=19093, cluster_id="x")
    props = server_properties(settings, state)
    assert props["listeners"] == "BROKER://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093"
    assert props["advertised.listeners"] == "BROKER://127.0.0.1:19092"
    assert props["listener.security.protocol.map"] == "BROKER:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT"
    assert props["process.roles"] == "broker,controller"
    assert props["auto.create.topics.enable"] == "false"
    assert (props["log.retention.hours"], props["log.retention.bytes"]) == ("24", str(1024 ** 3))
    assert f'user_shoplake="{settings.kafka_password}"' in props["listener.name.broker.plain.sasl.jaas.config"]
    assert props["log.dirs"] == str(tmp_path / "kafka" / "data")
    path = write_server_config(settings, state)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert all(stat.S_IMODE((tmp_path / "kafka" / d).stat().st_mode) == 0o700 for d in ("data", "logs"))


def test_cluster_ids_look_like_kafkas():
    import base64

    from spark_jobs.kafka.config import new_cluster_id

    ids = {new_cluster_id() for _ in range(200)}
    assert len(ids) == 200
    for cluster_id in ids:
        assert len(cluster_id) == 22 and not cluster_id.startswith("-")
        assert len(base64.urlsafe_b64decode(cluster_id + "==")) == 16


def test_the_state_file_round_trips_owner_only(tmp_path):
    from spark_jobs.kafka.config import BrokerState, read_state, state_file, write_state

    settings = load_settings({"SHOPLAKE_HOME": str(tmp_path)})
    assert read_state(settings) is None
    write_state(settings, BrokerState(port=1, controller_port=2, cluster_id="c", pid=42))
    assert read_state(settings) == BrokerState(port=1, controller_port=2, cluster_id="c", pid=42)
    assert read_state(settings).bootstrap == "127.0.0.1:1"
    assert stat.S_IMODE(state_file(settings).stat().st_mode) == 0o600


def test_status_lines_say_off_and_external_without_a_broker(tmp_path):
    from spark_jobs.kafka.server import KafkaStatus

    off = load_settings({"SHOPLAKE_HOME": str(tmp_path), "SHOPLAKE_KAFKA": "off"})
    assert KafkaStatus(False, None, None).describe(off) == "kafka: off (SHOPLAKE_KAFKA=off)"
    external = load_settings({"SHOPLAKE_HOME": str(tmp_path), "SHOPLAKE_KAFKA_BOOTSTRAP": "k:9092"})
    assert KafkaStatus(False, None, "k:9092").describe(external) == \
        "kafka: external cluster k:9092 (not reachable; no local broker)"
    local = load_settings({"SHOPLAKE_HOME": str(tmp_path)})
    assert KafkaStatus(False, None, None).describe(local) == "kafka: down (never started)"
    assert KafkaStatus(False, 42, "127.0.0.1:1").describe(local).startswith("kafka: not answering at 127.0.0.1:1 pid=42")


def test_services_up_without_the_broker_installed_says_so_instead_of_failing(tmp_path):
    from spark_jobs.kafka import services

    settings = load_settings({"SHOPLAKE_HOME": str(tmp_path / "home"), "SHOPLAKE_CACHE": str(tmp_path / "cache")})
    assert services.up(settings) == (f"kafka: not installed ({tmp_path / 'cache' / 'kafka-4.4.0' / 'libs'} "
                                     "incomplete; `make setup` installs it)")
    off = load_settings({"SHOPLAKE_HOME": str(tmp_path / "home"), "SHOPLAKE_KAFKA": "off"})
    assert services.up(off) == services.down(off) == "kafka: off (SHOPLAKE_KAFKA=off)"


def test_up_starts_nothing_when_off_or_pointed_at_a_real_cluster(tmp_path):
    from spark_jobs.kafka import server

    for env in ({"SHOPLAKE_KAFKA": "off"}, {"SHOPLAKE_KAFKA_BOOTSTRAP": "k:9092"}):
        assert server.up(load_settings({"SHOPLAKE_HOME": str(tmp_path), **env})) is None
    assert not (tmp_path / "kafka").exists()


def test_broker_jars_are_pinned_and_apart_from_sparks(tmp_path):
    from spark_jobs.kafka.install import coordinates, jar_paths, libs_dir
    from spark_jobs.session import JAR_NAMES

    names = {f"{artifact}-{version}.jar" for _, artifact, version in coordinates()}
    sums = [line.split() for line in (ROOT / "conf" / "kafka.sha256").read_text().splitlines()
            if line and not line.startswith("#")]
    assert {name for _, name in sums} == names and len(sums) == len(names) == 45
    assert all(len(digest) == 64 and int(digest, 16) >= 0 for digest, _ in sums)
    assert "kafka_2.13-4.4.0.jar" in names and "kafka-clients-4.4.0.jar" in names
    # Spark loads its own Kafka client (3.4.1, the connector's); no broker jar is on its classpath.
    assert not names & set(JAR_NAMES)
    assert {"spark-sql-kafka-0-10_2.12-3.5.7.jar", "kafka-clients-3.4.1.jar"} <= set(JAR_NAMES)
    settings = load_settings({"SHOPLAKE_CACHE": str(tmp_path)})
    assert libs_dir(settings) != settings.jars_dir
    assert {path.parent for path in jar_paths(settings)} == {libs_dir(settings)}


def test_missing_broker_jars_are_one_line(tmp_path):
    from spark_jobs.kafka.install import classpath

    with pytest.raises(ShoplakeError, match=r"Kafka 4\.4\.0 is not installed \(45 jars missing"):
        classpath(load_settings({"SHOPLAKE_CACHE": str(tmp_path)}))
