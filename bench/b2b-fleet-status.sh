#!/usr/bin/env bash
# Fleet status paging benchmark: a fleet of 10,000 vehicles, each with a current state, paged
# through GET /connectedcar/v3/fleets/{fid}/status in full by a partner over HTTP (keyset paging:
# a page token holds the last VIN of its page). Reports the first page's and the last page's time
# (medians of repeated calls, the last page reached through its link) and the whole walk's, measured
# in the same run, on the embedded database.
# Usage: bench/b2b-fleet-status.sh [vehicles] [page-size] [repeats]
# Environment: JAVA (the java command, JDK 17+), FLEET_BENCH_JAVA_OPTS (JVM options),
# FLEET_BENCH_ARGS (Spring properties for the server, --name=value).
set -euo pipefail
cd "$(dirname "$0")/.."
VEHICLES=${1:-10000}
PAGE_SIZE=${2:-60}
REPEATS=${3:-30}
OUT=target/bench/b2b-fleet-status

./mvnw -q -B -pl platform test-compile
./mvnw -q -B -pl platform dependency:build-classpath -Dmdep.outputFile=target/bench/classpath.txt -Dmdep.includeScope=test
rm -rf "$OUT"; mkdir -p "$OUT"
"${JAVA:-java}" ${FLEET_BENCH_JAVA_OPTS:--Xms1g -Xmx1g -XX:+UseParallelGC} \
  -cp "platform/target/classes:platform/target/test-classes:$(cat platform/target/bench/classpath.txt)" \
  org.odomo.bench.FleetStatusBenchmark "$VEHICLES" "$PAGE_SIZE" "$REPEATS" "$OUT" ${FLEET_BENCH_ARGS:-} \
  2>&1 | tee "$OUT/run.log" | grep "^BENCH" -A 16
test -f "$OUT/result.txt"
