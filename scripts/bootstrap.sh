#!/usr/bin/env bash
# Installs everything shoplake needs, idempotently: the Python venv from the lock,
# the pinned Maven Central jars and a MinIO server built from a pinned release.
# Heavy downloads are cached outside the clone (SHOPLAKE_CACHE, default ~/.cache/shoplake)
# so a second clone on the same machine sets up in seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE="${SHOPLAKE_CACHE:-$HOME/.cache/shoplake}"
MAVEN="${SHOPLAKE_MAVEN_REPO:-https://repo1.maven.org/maven2}"
# RELEASE.2025-09-07T16-13-09Z. The Go proxy cannot resolve MinIO's non-semver tags,
# so the tag is pinned by its commit (07c3a429bfed, committed 2025-09-07T16:13:09Z).
MINIO_RELEASE="RELEASE.2025-09-07T16-13-09Z"
MINIO_MODULE_VERSION="v0.0.0-20250907161309-07c3a429bfed"
JARS=(
  "org.apache.iceberg:iceberg-spark-runtime-3.5_2.12:1.11.0"
  "org.apache.iceberg:iceberg-aws-bundle:1.11.0"
  "org.xerial:sqlite-jdbc:3.50.3.0"
  "org.postgresql:postgresql:42.7.8"
  "org.apache.hadoop:hadoop-aws:3.3.4"
  "com.amazonaws:aws-java-sdk-bundle:1.12.262"
)

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
    say "installing requirements.lock into .venv"
    .venv/bin/uv pip sync -q --python .venv/bin/python requirements.lock
    .venv/bin/uv pip install -q --python .venv/bin/python --no-deps -e .
    cp requirements.lock "$stamp"
  fi
}

fetch_jars() {
  mkdir -p "$CACHE/jars"
  local coord g a v path file
  for coord in "${JARS[@]}"; do
    IFS=: read -r g a v <<<"$coord"
    file="$CACHE/jars/$a-$v.jar"
    [ -s "$file" ] && continue
    path="${g//.//}/$a/$v/$a-$v.jar"
    say "downloading $a-$v.jar"
    curl -fsSL --retry 3 -o "$file.part" "$MAVEN/$path" || die "could not download $MAVEN/$path"
    local want; want=$(curl -fsSL --retry 3 "$MAVEN/$path.sha1" | cut -c1-40)
    echo "$want  $file.part" | sha1sum -c --quiet - || die "checksum mismatch for $a-$v.jar"
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

check_python
check_java
setup_venv
fetch_jars
build_minio
