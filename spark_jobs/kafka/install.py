"""Where the broker's jars and a Java it runs on are, as ``make setup`` left them.

``scripts/bootstrap.sh`` downloads every jar of ``conf/kafka-jars.txt`` into
``$SHOPLAKE_CACHE/kafka-4.4.0/libs``, each checked against ``conf/kafka.sha256``. The
broker runs on the Java 17 Spark uses (``JAVA_HOME``, else ``java`` on ``PATH``), so
the machine needs no second JDK for it.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from spark_jobs.config import PROJECT_ROOT, Settings
from spark_jobs.errors import ShoplakeError

KAFKA_VERSION = "4.4.0"
JAR_LIST = PROJECT_ROOT / "conf" / "kafka-jars.txt"
MIN_JAVA = 17       # Kafka 4 brokers need Java 17+


def coordinates() -> list[tuple[str, str, str]]:
    """(group, artifact, version) of every broker jar, as conf/kafka-jars.txt pins them."""
    lines = (line.strip() for line in JAR_LIST.read_text().splitlines())
    return [tuple(line.split(":")) for line in lines if line and not line.startswith("#")]


def libs_dir(settings: Settings) -> Path:
    """The broker's jars, apart from Spark's (``<cache>/jars``)."""
    return settings.cache_dir / f"kafka-{KAFKA_VERSION}" / "libs"


def jar_paths(settings: Settings) -> list[Path]:
    return [libs_dir(settings) / f"{artifact}-{version}.jar" for _, artifact, version in coordinates()]


def installed(settings: Settings) -> bool:
    return all(path.is_file() for path in jar_paths(settings))


def classpath(settings: Settings) -> str:
    """Exactly the pinned jars, named one by one: a stray jar in the cache is never loaded."""
    paths = jar_paths(settings)
    missing = [path.name for path in paths if not path.is_file()]
    if missing:
        raise ShoplakeError(f"Kafka {KAFKA_VERSION} is not installed ({len(missing)} jars missing in "
                            f"{libs_dir(settings)}, e.g. {missing[0]}): run `make setup`, or set SHOPLAKE_KAFKA=off")
    return os.pathsep.join(str(path) for path in paths)


def find_java() -> Path:
    """The java binary Spark would use (JAVA_HOME, else PATH), if it is Java 17 or newer."""
    from spark_jobs.trino.install import java_major

    home = os.environ.get("JAVA_HOME")
    found = Path(home) / "bin" / "java" if home else (Path(shutil.which("java")) if shutil.which("java") else None)
    if found is None or not found.is_file():
        raise ShoplakeError("the Kafka broker needs Java 17 and none was found: install openjdk-17 "
                            "(the Java Spark runs on) or set JAVA_HOME")
    major = java_major(found)
    if major < MIN_JAVA:
        raise ShoplakeError(f"the Kafka broker needs Java >= {MIN_JAVA}, {found} is Java {major}: set JAVA_HOME "
                            "to the JDK 17 Spark runs on")
    return found
