#!/usr/bin/env bash
# Downloads the pinned Spark/Iceberg jars into the image at build time.
# scripts/bootstrap.sh can't be reused here: it also builds a venv and checks the host.
# The coordinates MUST match JARS in scripts/bootstrap.sh (which spark_jobs/session.py expects);
# tests/test_docker_compose.py fails if the two lists drift.
# The SHA-1s are pinned (taken from Maven Central's .sha1 files) instead of fetched next to
# the jar, so a tampered mirror can't serve a matching jar + checksum pair.
set -euo pipefail

DEST="${1:-/opt/shoplake/cache/jars}"
MAVEN="${SHOPLAKE_MAVEN_REPO:-https://repo1.maven.org/maven2}"
JARS=(
  "org.apache.iceberg:iceberg-spark-runtime-3.5_2.12:1.11.0 86eb12917658be2c8dd8982ee0c57cfece862591"
  "org.apache.iceberg:iceberg-aws-bundle:1.11.0 afe5b22dd5bc2d2c0639049b06a92dae2545cac7"
  "org.xerial:sqlite-jdbc:3.50.3.0 220f0cdfe9c5b97926a417fa11848ce8817d2135"
  "org.postgresql:postgresql:42.7.8 81b840fbfe0a6c0b7aa14c6bd4856108d36ed780"
  "org.apache.hadoop:hadoop-aws:3.3.4 a65839fbf1869f81a1632e09f415e586922e4f80"
  "com.amazonaws:aws-java-sdk-bundle:1.12.262 02deec3a0ad83d13d032b1812421b23d7a961eea"
)

mkdir -p "$DEST"
for entry in "${JARS[@]}"; do
  read -r coord sha1 <<<"$entry"
  IFS=: read -r g a v <<<"$coord"
  file="$DEST/$a-$v.jar"
  echo "[fetch_jars] $a-$v.jar"
  curl -fsSL --retry 3 -o "$file.part" "$MAVEN/${g//.//}/$a/$v/$a-$v.jar"
  echo "$sha1  $file.part" | sha1sum -c --quiet - || { echo "[fetch_jars] checksum mismatch for $a-$v.jar" >&2; exit 2; }
  mv "$file.part" "$file"
done
