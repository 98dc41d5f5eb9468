#!/usr/bin/env bash
# Fleet-wide history lists of the fleet API on a large fleet: GET /fleets/{fid}/alerts and
# /fleets/{fid}/trips, first, second and last page (pageSize=60), timed in turns in the same run.
# The history (alerts and trips of every vehicle over the period) is written straight into the
# database in batches; see org.odomo.bench.HistoryBenchmark.
# Usage: bench/b2b-history.sh [vehicles] [days] [repetitions]
# Environment: JAVA (the java command, JDK 17+), HISTORY_BENCH_DB (h2, the default, or postgres:
# a fresh schema of the local PostgreSQL, ODOMO_DB_URL/ODOMO_DB_USER/ODOMO_DB_PASSWORD, dropped at
# the end), HISTORY_BENCH_JAVA_OPTS (JVM options), HISTORY_BENCH_ARGS (more arguments:
# --bench.alerts-per-day=n, --bench.trips-per-day=n, Spring properties as --name=value).
# Prints a table: pages of each list, the median page while walking the whole list, the medians of
# the first, second and last pages, the first page's extra cost (the total, counted on the first
# page only), and last/second. Exits non-zero if last/second exceeds HISTORY_BENCH_MAX_RATIO (1.2).
set -euo pipefail
cd "$(dirname "$0")/.."
VEHICLES=${1:-10000}
DAYS=${2:-60}
REPETITIONS=${3:-9}
PORT=${PORT:-18083}
OUT=target/bench/b2b-history
MAX_RATIO=${HISTORY_BENCH_MAX_RATIO:-1.2}
./mvnw -q -B -pl platform test-compile
./mvnw -q -B -pl platform dependency:build-classpath -Dmdep.outputFile=target/bench/classpath.txt -Dmdep.includeScope=test
rm -rf "$OUT"; mkdir -p "$OUT"
"${JAVA:-java}" ${HISTORY_BENCH_JAVA_OPTS:--Xms1g -Xmx1g -XX:+UseParallelGC} \
  -cp "platform/target/classes:platform/target/test-classes:$(cat platform/target/bench/classpath.txt)" \
  org.odomo.bench.HistoryBenchmark "$PORT" "$VEHICLES" "$DAYS" "$REPETITIONS" "$OUT" \
  --bench.db="${HISTORY_BENCH_DB:-h2}" ${HISTORY_BENCH_ARGS:-} | tee "$OUT/run.log"
[[ -f "$OUT/results.txt" ]] || { echo "no results"; exit 1; }
awk -v max="$MAX_RATIO" '$1 == "alerts" || $1 == "trips" { if ($NF + 0 > max + 0) { print $1 ": last/second " $NF " > " max; bad = 1 } }
  END { exit bad }' "$OUT/results.txt"
