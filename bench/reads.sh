#!/usr/bin/env bash
# Read benchmark: authenticated GET .../status and .../trips under load with wrk, against the
# platform on the embedded database, compared with the trivial /ping of the same server.
# Usage: bench/reads.sh [duration-seconds] [vehicles]
# Environment: JAVA (the java command; a JDK 21+ runs requests on virtual threads),
# READ_BENCH_JAVA_OPTS (JVM options), READ_BENCH_ARGS (Spring properties for the server,
# --name=value), READ_BENCH_RUNS (which runs, default all), WARMUP (seconds of warm-up per path).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-30}
VEHICLES=${2:-200}
PORT=${PORT:-18081}
WARMUP=${WARMUP:-30}
OUT=target/bench/reads
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)"; exit 1; }

./mvnw -q -B test-compile
./mvnw -q -B dependency:build-classpath -Dmdep.outputFile=target/bench/classpath.txt -Dmdep.includeScope=test
rm -rf "$OUT"; mkdir -p "$OUT"
"${JAVA:-java}" ${READ_BENCH_JAVA_OPTS:--Xms1g -Xmx1g -XX:+UseParallelGC} \
  -cp "target/classes:target/test-classes:$(cat target/bench/classpath.txt)" \
  org.odomo.bench.ReadBenchServer "$PORT" "$VEHICLES" "$OUT" ${READ_BENCH_ARGS:-} > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 180); do [[ -f "$OUT/ready" ]] && break; sleep 1; done
[[ -f "$OUT/ready" ]] || { tail -50 "$OUT/server.log"; exit 1; }
"${JAVA:-java}" -version 2>&1 | head -1 > "$OUT/java.txt"

# CPU time of the server process (user + system), in clock ticks.
cpu() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }
TICK=$(getconf CLK_TCK)
RUNS=" ${READ_BENCH_RUNS:-ping status trips status-5k} "
run() { # name, then wrk arguments
  local name=$1; shift
  [[ "$RUNS" == *" $name "* ]] || return 0
  echo "== $name"
  local before; before=$(cpu)
  wrk "$@" | tee "$OUT/$name.txt"
  echo $(( $(cpu) - before )) > "$OUT/$name.cpu"
}
URL=http://127.0.0.1:$PORT
# Warm-up: the JIT compilers need tens of seconds on two cores before the rates settle.
SUFFIX=/status wrk -t2 -c32 -d"${WARMUP}s" -s "$OUT/api.lua" "$URL" > /dev/null
SUFFIX=/trips wrk -t2 -c32 -d"$((WARMUP / 3 + 1))s" -s "$OUT/api.lua" "$URL" > /dev/null
wrk -t2 -c32 -d"$((WARMUP / 3 + 1))s" "$URL/ping" > /dev/null

run ping        -t2 -c64 -d"${DURATION}s" --latency "$URL/ping"
SUFFIX=/status run status -t2 -c64 -d"${DURATION}s" --latency -s "$OUT/api.lua" "$URL"
SUFFIX=/trips  run trips  -t2 -c64 -d"${DURATION}s" --latency -s "$OUT/api.lua" "$URL"
# Fixed pace: 64 connections each pausing 11 ms after every answer, about 5,000 calls/s while
# answers take about a millisecond (the table shows the rate reached).
SUFFIX=/status PAUSE_MS=11 run status-5k -t2 -c64 -d"${DURATION}s" --latency -s "$OUT/api.lua" "$URL"

rate() { awk '/Requests\/sec/ {print $2}' "$OUT/$1.txt"; }
p99() { awk '$1=="99%" {print $2}' "$OUT/$1.txt"; }
count() { awk '/requests in/ {print $1}' "$OUT/$1.txt"; }
cpu_per_call() { awk -v t="$(cat "$OUT/$1.cpu")" -v n="$(count "$1")" -v hz="$TICK" 'BEGIN {printf "%.0f", t * 1e6 / hz / n}'; }
echo
echo "$(cat "$OUT/java.txt")"
echo "| run | requests/s | p99 | server CPU µs per call |"
echo "| --- | ---: | ---: | ---: |"
for r in $RUNS; do echo "| $r | $(rate "$r") | $(p99 "$r") | $(cpu_per_call "$r") |"; done
if [[ -f "$OUT/status.txt" && -f "$OUT/ping.txt" ]]; then
  echo "status/ping ratio: $(awk -v a="$(rate status)" -v b="$(rate ping)" 'BEGIN {printf "%.2f", a/b}')"
fi
