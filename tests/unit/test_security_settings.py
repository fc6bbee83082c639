"""What a local user can see of a job: its command line (Spark's launch settings and the
spark-submit command Airflow builds and logs) holds no secret, and no port is opened
beyond the loopback interface. Pinned artefacts and owner-only files."""
from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from spark_jobs.config import load_settings
from spark_jobs.local_state import private_dir, write_private
from spark_jobs.session import JAR_NAMES, S3Credentials, credential_conf, spark_conf

ROOT = Path(__file__).resolve().parents[2]
SECRETS = {"SHOPLAKE_S3_ACCESS_KEY": "access-4f1d", "SHOPLAKE_S3_SECRET_KEY": "secret-9a7c",
           "SHOPLAKE_CATALOG_PASSWORD": "catalog-pw-33e2"}


def s3_settings(tmp_path, **extra):
    return load_settings({"SHOPLAKE_HOME": str(tmp_path), "SHOPLAKE_CACHE": str(tmp_path),
                          "SHOPLAKE_WAREHOUSE": "s3://warehouse", **SECRETS, **extra})


def test_no_secret_is_a_spark_setting_at_launch_only_after(tmp_path, monkeypatch):
    monkeypatch.setattr("spark_jobs.session.jar_paths", lambda settings, check=True: [])
    settings = s3_settings(tmp_path)
    launched = " ".join(f"{k}={v}" for k, v in spark_conf(settings).items())
    assert [value for value in SECRETS.values() if value in launched] == []
    applied = set(credential_conf(settings, S3Credentials.of(settings)).values())
    assert set(SECRETS.values()) <= applied


def test_the_spark_submit_command_airflow_logs_holds_no_secret(tmp_path, monkeypatch):
    from shoplake_airflow import spark_task

    for key, value in {**SECRETS, "SHOPLAKE_HOME": str(tmp_path), "SHOPLAKE_WAREHOUSE": "s3://warehouse"}.items():
        monkeypatch.setenv(key, value)
    task = spark_task("subscriptions.silver")
    command = task._get_hook()._build_spark_submit_command(task.application)
    assert "spark-submit" in command[0] and "subscriptions.silver" in command
    visible = " ".join(command) + " " + " ".join(f"{k}={v}" for k, v in task.env_vars.items())
    assert [value for value in SECRETS.values() if value in visible] == []


def test_jobs_serve_no_ui_and_a_local_driver_listens_on_loopback(tmp_path, monkeypatch):
    monkeypatch.setattr("spark_jobs.session.jar_paths", lambda settings, check=True: [])
    local = spark_conf(s3_settings(tmp_path, SHOPLAKE_SPARK_MASTER="local[2]"))
    assert (local["spark.ui.enabled"], local["spark.driver.bindAddress"], local["spark.driver.host"]) == (
        "false", "127.0.0.1", "127.0.0.1")
    cluster = spark_conf(s3_settings(tmp_path, SHOPLAKE_SPARK_MASTER="spark://master:7077"))
    assert cluster["spark.ui.enabled"] == "false" and "spark.driver.bindAddress" not in cluster


def test_a_driver_for_a_loopback_standalone_master_listens_on_loopback(tmp_path, monkeypatch):
    monkeypatch.setattr("spark_jobs.session.jar_paths", lambda settings, check=True: [])
    for master in ("spark://127.0.0.1:7077", "spark://localhost:7077"):
        conf = spark_conf(s3_settings(tmp_path, SHOPLAKE_SPARK_MASTER=master))
        assert (conf["spark.driver.bindAddress"], conf["spark.driver.host"]) == ("127.0.0.1", "127.0.0.1")
    mixed = spark_conf(s3_settings(tmp_path, SHOPLAKE_SPARK_MASTER="spark://127.0.0.1:7077,10.0.0.2:7077"))
    assert "spark.driver.host" not in mixed


def test_a_secret_file_is_owner_only_whatever_the_umask(tmp_path):
    previous = os.umask(0)
    try:
        write_private(tmp_path / "keys.env", "K=V\n")
        shared = tmp_path / "shared"
        shared.mkdir(mode=0o777)
        private_dir(shared)
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "keys.env").stat().st_mode) == 0o600
    assert stat.S_IMODE(shared.stat().st_mode) == 0o700


@pytest.mark.parametrize("script", sorted(p.name for p in (ROOT / "scripts").glob("*.sh")))
def test_every_script_runs_under_umask_077(script):
    text = (ROOT / "scripts" / script).read_text()
    assert "\numask 077" in text


def test_airflow_environment_sets_an_owner_only_umask():
    shell = subprocess.run(["bash", "-c", "umask 022; source scripts/airflow_env.sh; umask"], cwd=ROOT,
                           capture_output=True, text=True, check=True)
    assert shell.stdout.strip() == "0077"


def test_every_jar_the_session_loads_has_a_pinned_sha256():
    pinned = dict(reversed(line.split()) for line in (ROOT / "conf" / "jars.sha256").read_text().splitlines())
    assert set(pinned) == set(JAR_NAMES)
    assert all(len(digest) == 64 and int(digest, 16) >= 0 for digest in pinned.values())


def _mirror(tmp_path: Path, tamper: str | None) -> Path:
    """A Maven layout of the cached jars, one of them replaced by other bytes."""
    block = (ROOT / "docker" / "fetch_jars.sh").read_text().split("JARS=(")[1].split(")")[0]
    cache = Path(os.environ.get("SHOPLAKE_CACHE", Path.home() / ".cache" / "shoplake")) / "jars"
    for coord in block.split():
        group, artifact, version = coord.strip('"').split(":")
        folder = tmp_path / "maven" / group.replace(".", "/") / artifact / version
        folder.mkdir(parents=True)
        jar = folder / f"{artifact}-{version}.jar"
        if artifact == tamper:
            jar.write_bytes(b"PK\x03\x04 not the pinned jar")
        else:
            jar.symlink_to(cache / jar.name)
    return tmp_path / "maven"


def test_a_jar_from_a_tampered_mirror_is_rejected(tmp_path):
    """The genuine jars pass the same check on every `make setup` (bootstrap verifies the cache)."""
    mirror = _mirror(tmp_path, tamper="hadoop-aws")
    dest = tmp_path / "jars"
    fetched = subprocess.run(["bash", str(ROOT / "docker" / "fetch_jars.sh"), str(dest)], capture_output=True,
                             text=True, env={**os.environ, "SHOPLAKE_MAVEN_REPO": mirror.as_uri()}, timeout=120)
    assert fetched.returncode == 2 and "checksum mismatch for hadoop-aws-3.3.4.jar" in fetched.stderr
    assert not list(dest.glob("hadoop-aws-*.jar"))


def test_every_locked_requirement_carries_its_hashes():
    lines = (ROOT / "requirements.lock").read_text().splitlines()
    pins = [i for i, line in enumerate(lines) if "==" in line and not line.lstrip().startswith("#")]
    assert len(pins) > 50
    unhashed = [lines[i] for i in pins if not lines[i + 1].strip().startswith("--hash=sha256:")]
    assert unhashed == []
