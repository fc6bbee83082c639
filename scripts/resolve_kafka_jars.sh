#!/usr/bin/env bash
# Maintainer tool, not part of `make setup`: prints the runtime closure of a Maven artifact
# (default: the Kafka broker, org.apache.kafka:kafka_2.13:4.4.0) as sorted
# group:artifact:version lines, then the sha256 of each jar, as Maven resolves them from the
# POMs (compile + runtime scopes, exclusions applied, nearest version wins; test and optional
# dependencies left out). Use it to bump conf/kafka-jars.txt and conf/kafka.sha256: check the
# output by hand (log4j-slf4j-impl is added to the broker's list on purpose, see that file)
# and start the broker on exactly the new set before committing. Needs Maven (`mvn`).
#   bash scripts/resolve_kafka_jars.sh [group:artifact:version]
set -euo pipefail
umask 077
COORD="${1:-org.apache.kafka:kafka_2.13:4.4.0}"
IFS=: read -r g a v <<<"$COORD"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>shoplake.resolve</groupId><artifactId>closure</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>$g</groupId><artifactId>$a</artifactId><version>$v</version></dependency>
  </dependencies>
</project>
EOF
(cd "$work" && mvn -q -B -Dmaven.repo.local="$work/m2" dependency:list -DincludeScope=runtime \
  -DoutputFile="$work/list.txt" >/dev/null)
grep -E '^ +[^ ]+:[^ ]+:jar:' "$work/list.txt" | sed -E 's/^ +//; s/:jar:/:/; s/:(compile|runtime)$//' | sort >"$work/coords"
cat "$work/coords"
echo
while IFS=: read -r g a v; do
  (cd "$work/m2/${g//.//}/$a/$v" && sha256sum "$a-$v.jar")
done <"$work/coords"
