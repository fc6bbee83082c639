"""Static checks of docker-compose.yml: no Docker engine is needed (or available in CI),
so the rules that keep the stack correct and secret-free are checked on the parsed file."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)  # safe_load resolves the anchors and `<<` merges
SERVICES = COMPOSE["services"]

EXPECTED_SERVICES = {
    "minio", "minio-init", "postgres", "airflow-init", "airflow-api-server", "airflow-scheduler",
    "airflow-dag-processor", "airflow-triggerer", "spark-master", "spark-worker", "trino", "kafka",
}
# `${VAR}` or `${VAR:?message}` only: a `${VAR:-default}` would smuggle in a default credential.
REQUIRED_INTERPOLATION = re.compile(r"\$\{[A-Z_][A-Z0-9_]*(:?\?[^}]*)?\}")
SECRET_KEY = re.compile(r"PASSWORD|SECRET|FERNET", re.I)


def _env(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):  # the `- KEY=value` form
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): str(v) for k, v in env.items()}


def _walk(node, key=None):
    """Every (key, string value) pair in the file, environment or not."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, str(k))
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item, key)
    elif isinstance(node, str):
        yield key, node


def _load_settings_keys() -> set[str]:
    text = (ROOT / "spark_jobs" / "config.py").read_text()
    body = re.search(r"^def load_settings\b.*?(?=^\S)", text, re.S | re.M)
    assert body, "load_settings not found in spark_jobs/config.py"
    return set(re.findall(r"SHOPLAKE_[A-Z0-9_]+", body.group(0)))


def _named_volume(service: dict, target: str) -> str | None:
    for vol in service.get("volumes", []):
        if isinstance(vol, dict):
            if vol.get("target") == target and vol.get("type", "volume") == "volume":
                return vol.get("source")
        else:
            source, _, rest = vol.partition(":")
            if rest.split(":")[0] == target and not source.startswith((".", "/", "~")):
                return source
    return None


def test_expected_services_exist():
    assert EXPECTED_SERVICES <= set(SERVICES)


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED_SERVICES if n.startswith(("airflow-", "spark-"))))
def test_airflow_and_spark_services_get_every_shoplake_setting(name):
    # Every key load_settings reads is set, SHOPLAKE_HOME and SHOPLAKE_CACHE included: the
    # defaults (the clone's .local/, ~/.cache) are wrong in the image, whose jars sit in /opt/shoplake/cache.
    keys = _load_settings_keys()
    assert {"SHOPLAKE_LANDING", "SHOPLAKE_WAREHOUSE", "SHOPLAKE_CATALOG_URI"} <= keys  # the regex still works
    missing = keys - set(_env(SERVICES[name]))
    assert not missing, f"{name} lacks {sorted(missing)}"


@pytest.mark.parametrize("name, probe", [
    ("minio", "/minio/health/live"),
    ("postgres", "pg_isready"),
    ("airflow-api-server", "/api/v2/monitor/health"),
    ("spark-master", "localhost:8081"),
    ("trino", "/usr/lib/trino/bin/health-check"),
    ("kafka", "kafka-broker-api-versions.sh"),
])
def test_core_services_have_healthchecks(name, probe):
    check = SERVICES[name].get("healthcheck") or {}
    assert not check.get("disable")
    assert probe in " ".join(check.get("test", [])), f"{name} healthcheck should probe {probe}"


@pytest.mark.parametrize("name, target", [("minio", "/data"), ("postgres", "/var/lib/postgresql/data"),
                                          ("kafka", "/var/lib/kafka/data")])
def test_data_lives_on_declared_named_volumes(name, target):
    volume = _named_volume(SERVICES[name], target)
    assert volume, f"{name} must keep {target} on a named volume"
    assert volume in (COMPOSE.get("volumes") or {}), f"volume {volume} is not declared at top level"


def test_depending_on_minio_or_postgres_waits_until_healthy():
    for name, service in SERVICES.items():
        deps = service.get("depends_on") or {}
        assert isinstance(deps, dict), f"{name}: list-form depends_on does not wait for health"
        for dep in {"minio", "postgres"} & set(deps):
            assert deps[dep].get("condition") == "service_healthy", f"{name} -> {dep}"


def test_secret_values_are_required_interpolations():
    secrets = [(k, v) for k, v in _walk(COMPOSE) if k and SECRET_KEY.search(k)]
    assert secrets, "no secret-looking keys found: did the file change shape?"
    for key, value in secrets:
        assert REQUIRED_INTERPOLATION.fullmatch(value), f"{key} must be ${{VAR}} or ${{VAR:?msg}}, got {value!r}"


def test_credentials_inside_urls_are_interpolated():
    for key, value in _walk(COMPOSE):
        for password in re.findall(r"://[^/\s:@]+:(.+?)@", value):
            assert REQUIRED_INTERPOLATION.fullmatch(password), f"{key} embeds a literal password"


def test_minioadmin_appears_nowhere():
    assert "minioadmin" not in COMPOSE_TEXT.lower()


def test_minio_images_are_pinned_releases():
    images = [s["image"] for s in SERVICES.values() if s.get("image", "").startswith("minio/")]
    assert images
    for image in images:
        assert re.fullmatch(r"minio/(minio|mc):RELEASE\.[0-9TZ-]+(@sha256:[0-9a-f]{64})?", image), image


def test_minio_server_is_the_release_the_project_pins():
    pinned = re.search(r'MINIO_RELEASE = "([^"]+)"', (ROOT / "spark_jobs" / "config.py").read_text()).group(1)
    assert SERVICES["minio"]["image"] == f"minio/minio:{pinned}"


def test_airflow_spark_connection_targets_the_master():
    conn = json.loads(_env(SERVICES["airflow-scheduler"])["AIRFLOW_CONN_SPARK_DEFAULT"])
    assert (conn["conn_type"], conn["host"], conn["port"]) == ("spark", "spark://spark-master", 7077)


def test_env_example_lists_every_required_variable_empty():
    required = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*):\?", COMPOSE_TEXT))
    example = dict(
        line.split("=", 1) for line in (ROOT / ".env.example").read_text().splitlines()
        if "=" in line and not line.lstrip().startswith("#")
    )
    assert required <= set(example), f"missing from .env.example: {sorted(required - set(example))}"
    assert all(example[name] == "" for name in required), "values in .env.example must be empty"


def test_image_jars_match_bootstrap():
    def coords(path: str) -> list[str]:
        text = (ROOT / path).read_text()
        block = re.search(r"^JARS=\((.*?)^\)", text, re.S | re.M).group(1)
        return re.findall(r'"([\w.\-]+:[\w.\-]+:[\w.\-]+)', block)

    assert coords("docker/fetch_jars.sh") == coords("scripts/bootstrap.sh")


def test_image_copies_every_project_dir_the_code_reads():
    # Code finds its files via PROJECT_ROOT (/opt/shoplake in the image); a directory the
    # Dockerfile forgets only fails at run time, inside a container.
    sources = {
        p.relative_to(ROOT).as_posix(): p.read_text()
        for pattern in ("spark_jobs/**/*.py", "plugins/**/*.py", "dags/**/*.py") for p in ROOT.glob(pattern)
    }
    # Dot-directories (.local) are run-time state, not source: compose points SHOPLAKE_HOME elsewhere.
    used = {m for text in sources.values() for m in re.findall(r'PROJECT_ROOT\s*/\s*"([^"/.][^"/]*)', text)}
    dockerfile = (ROOT / "docker" / "Dockerfile").read_text()
    copied = {
        re.sub(r"\[(\w)\]", r"\1", src).rstrip("/")
        for line in re.findall(r"^COPY\s+(.+)$", dockerfile, re.M) for src in line.split()[:-1]
    }
    assert used, "no PROJECT_ROOT paths found: did the code change shape?"
    assert used <= copied, f"Dockerfile does not COPY {sorted(used - copied)}"


TRINO_CATALOG_DIR = ROOT / "docker" / "trino" / "catalog"


def _properties(path: Path) -> dict[str, str]:
    lines = [line for line in path.read_text().splitlines() if line and not line.startswith("#")]
    return dict(line.split("=", 1) for line in lines)


def test_trino_is_the_pinned_release_on_loopback_with_only_the_lake_catalog():
    from spark_jobs.trino.install import TRINO_VERSION

    trino = SERVICES["trino"]
    assert trino["image"] == f"trinodb/trino:{TRINO_VERSION}"
    assert trino["ports"] and all(port.startswith("127.0.0.1:") for port in trino["ports"])
    # The whole catalog directory is mounted: the image's writable sample catalogs are gone.
    assert "./docker/trino/catalog:/etc/trino/catalog:ro" in trino["volumes"]
    assert sorted(p.name for p in TRINO_CATALOG_DIR.iterdir()) == ["lake.properties"]
    deps = trino["depends_on"]
    assert deps["minio-init"]["condition"] == deps["airflow-init"]["condition"] == "service_completed_successfully"


def test_trino_catalog_is_the_one_spark_writes_with_what_the_embedded_trino_generates():
    """The compose catalog file equals spark_jobs.trino.config's output for the compose
    settings, secrets replaced by Trino's ${ENV:...} references the service provides."""
    from spark_jobs.config import load_settings
    from spark_jobs.session import S3Credentials
    from spark_jobs.trino.config import catalog_properties

    env = _env(SERVICES["airflow-scheduler"])
    settings = load_settings({**env, "SHOPLAKE_CATALOG_PASSWORD": "${ENV:CATALOG_PASSWORD}"})
    keys = S3Credentials("${ENV:TRINO_S3_ACCESS_KEY}", "${ENV:TRINO_S3_SECRET_KEY}")
    catalog = _properties(TRINO_CATALOG_DIR / "lake.properties")
    assert catalog == catalog_properties(settings, keys)
    assert catalog["iceberg.security"] == "read_only"
    provided = set(_env(SERVICES["trino"]))
    assert set(re.findall(r"\$\{ENV:(\w+)\}", "\n".join(catalog.values()))) == provided


def test_trino_reads_with_minios_read_only_user_never_the_root_keys():
    from spark_jobs.minio_users import POLICY_NAME
    from spark_jobs.services import read_only_policy

    trino_env, init = _env(SERVICES["trino"]), SERVICES["minio-init"]
    assert trino_env["TRINO_S3_ACCESS_KEY"] == _env(init)["TRINO_S3_ACCESS_KEY"]
    assert "MINIO_ROOT" not in " ".join(trino_env.values())
    script = " ".join(init["command"])
    assert f"mc admin policy create lake {POLICY_NAME} /policies/warehouse-read-only.json" in script
    assert 'mc admin user add lake "$$TRINO_S3_ACCESS_KEY"' in script
    assert f"mc admin policy attach lake {POLICY_NAME} --user" in script
    mounted = json.loads((ROOT / "docker" / "trino" / "warehouse-read-only.json").read_text())
    assert mounted == read_only_policy("warehouse")


def test_kafka_is_the_pinned_release_on_loopback_configured_like_the_embedded_broker():
    from spark_jobs.kafka.config import RETENTION_BYTES, RETENTION_HOURS, SEGMENT_BYTES
    from spark_jobs.kafka.install import KAFKA_VERSION

    kafka = SERVICES["kafka"]
    env = _env(kafka)
    assert kafka["image"] == f"apache/kafka:{KAFKA_VERSION}"
    assert kafka["ports"] and all(port.startswith("127.0.0.1:") for port in kafka["ports"])
    assert "CONTROLLER://127.0.0.1:" in env["KAFKA_LISTENERS"]
    # Every listener needs the SASL/PLAIN login, whose password only .env holds.
    assert set(env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].replace(",", ":").split(":")[1::2]) == {"SASL_PLAINTEXT"}
    for listener in ("BROKER", "HOST", "CONTROLLER"):
        jaas = env[f"KAFKA_LISTENER_NAME_{listener}_PLAIN_SASL_JAAS_CONFIG"]
        assert 'password="${KAFKA_PASSWORD:?' in jaas and 'user_shoplake="${KAFKA_PASSWORD:?' in jaas
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert (env["KAFKA_LOG_RETENTION_HOURS"], env["KAFKA_LOG_RETENTION_BYTES"], env["KAFKA_LOG_SEGMENT_BYTES"]) == (
        str(RETENTION_HOURS), str(RETENTION_BYTES), str(SEGMENT_BYTES))


def test_spark_and_airflow_reach_the_kafka_service_with_its_login():
    from spark_jobs.config import load_settings
    from spark_jobs.kafka.clients import client_config

    advertised = _env(SERVICES["kafka"])["KAFKA_ADVERTISED_LISTENERS"]
    for name in sorted(n for n in EXPECTED_SERVICES if n.startswith(("airflow-", "spark-"))):
        settings = load_settings(_env(SERVICES[name]))
        assert not settings.kafka_local, f"{name} would start a broker of its own"
        assert f"BROKER://{settings.kafka_bootstrap}" in advertised
        config = client_config(settings)
        assert (config["security.protocol"], config["sasl.username"]) == ("SASL_PLAINTEXT", "shoplake")
        assert config["sasl.password"] == "${KAFKA_PASSWORD:?set KAFKA_PASSWORD in .env}"
    init = SERVICES["airflow-init"]
    assert init["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert "python -m spark_jobs.kafka.topics" in " ".join(init["command"])
