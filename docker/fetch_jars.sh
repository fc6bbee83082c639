#!/usr/bin/env bash
# Downloads the pinned Spark/Iceberg jars into the image at build time.
# scripts/bootstrap.sh can't be reused here: it also builds a venv and checks the host.
# The coordinates MUST match JARS in scripts/bootstrap.sh (which spark_jobs/session.py expects);
# tests/test_docker_compose.py fails if the two lists drift.
# Each jar is checked against its sha256 in conf/jars.sha256 (checked into the repo, the
# same file scripts/bootstrap.sh verifies against), never against a checksum fetched from
# the server that served the jar, so a tampered mirror can't serve a matching pair.
set -euo pipefail

DEST="${1:-/opt/shoplake/cache/jars}"
SUMS="$(cd "$(dirname "$0")/.." && pwd)/conf/jars.sha256"
MAVEN="${SHOPLAKE_MAVEN_REPO:-https://repo1.maven.org/maven2}"
# The last four are Spark's Kafka source: 3.5.7 is the newest connector Maven Central serves,
# and it runs on PySpark 3.5.9. The broker's own jars are not in the image (compose runs apache/kafka).
JARS=(
  "org.apache.iceberg:iceberg-spark-runtime-3.5_2.12:1.11.0"
  "org.apache.iceberg:iceberg-aws-bundle:1.11.0"
  "org.xerial:sqlite-jdbc:3.50.3.0"
  "org.postgresql:postgresql:42.7.8"
  "org.apache.hadoop:hadoop-aws:3.3.4"
  "com.amazonaws:aws-java-sdk-bundle:1.12.262"
  "org.apache.spark:spark-sql-kafka-0-10_2.12:3.5.7"
  "org.apache.spark:spark-token-provider-kafka-0-10_2.12:3.5.7"
  "org.apache.kafka:kafka-clients:3.4.1"
  "org.apache.commons:commons-pool2:2.11.1"
)

mkdir -p "$DEST"
for coord in "${JARS[@]}"; do
  IFS=: read -r g a v <<<"$coord"
  file="$DEST/$a-$v.jar"
  sha256=$(awk -v name="$a-$v.jar" '$2 == name { print $1 }' "$SUMS")
  [ -n "$sha256" ] || { echo "[fetch_jars] no pinned sha256 for $a-$v.jar in $SUMS" >&2; exit 2; }
  echo "[fetch_jars] $a-$v.jar"
  curl -fsSL --retry 3 -o "$file.part" "$MAVEN/${g//.//}/$a/$v/$a-$v.jar"
  echo "$sha256  $file.part" | sha256sum -c --quiet - || { echo "[fetch_jars] checksum mismatch for $a-$v.jar" >&2; exit 2; }
  mv "$file.part" "$file"
done
