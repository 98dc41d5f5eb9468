#!/usr/bin/env bash
# Read benchmark: authenticated GET .../status and .../trips under load with wrk, against the
# platform on the embedded database, compared with the trivial /ping of the same server.
# Usage: bench/reads.sh [duration-seconds] [vehicles]
# Environment: JAVA (the java command, JDK 17+; a JDK 21+ runs requests on virtual threads),
# READ_BENCH_JAVA_OPTS (JVM options), READ_BENCH_ARGS (Spring properties for the server,
# --name=value), READ_BENCH_RUNS (which runs, default all), WARMUP (seconds of warm-up per path),
# READ_BENCH_VARIANT (simple, the default: one app, one user; realistic: see below).
#
# The realistic variant: READ_BENCH_APPS apps (10) on the premium plan, READ_BENCH_USERS users
# (100) each enrolled with one of them and owning vehicles (300 by default), calls that go through
# status, last position, trips and the vehicle list of the callers in turn at a fixed pace
# (READ_BENCH_CONNECTIONS connections, 32, each pausing PAUSE_MS, 20 ms, after every answer),
# while the server ingests READ_BENCH_INGEST_RATE telemetry messages a second (200), measured now,
# so that states change and cached states go stale as they are read. Caches keep their defaults.
#
# Every run counts its answers per second (bench/slices.lua) and the table gives the rate of the
# slowest 5-second slice beside the rate over the run. The script exits non-zero if any answer was
# not 2xx, if wrk saw a socket error, or (realistic) if an ingested message was not stored.
# Needs wrk (apt-get install wrk) and a JDK 17+.
set -euo pipefail
cd "$(dirname "$0")/.."
VARIANT=${READ_BENCH_VARIANT:-simple}
DURATION=${1:-30}
PORT=${PORT:-18081}
WARMUP=${WARMUP:-30}
OUT=target/bench/reads
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)"; exit 1; }
case "$VARIANT" in
  simple)
    VEHICLES=${2:-200}
    BENCH_OPTS=()
    DEFAULT_RUNS="ping status trips status-5k" ;;
  realistic)
    VEHICLES=${2:-300}
    INGEST_RATE=${READ_BENCH_INGEST_RATE:-200}
    BENCH_OPTS=(--bench.apps="${READ_BENCH_APPS:-10}" --bench.users="${READ_BENCH_USERS:-100}"
      --bench.ingest-rate="$INGEST_RATE")
    DEFAULT_RUNS="mix" ;;
  *) echo "READ_BENCH_VARIANT is simple or realistic"; exit 2 ;;
esac

./mvnw -q -B -pl platform test-compile
./mvnw -q -B -pl platform dependency:build-classpath -Dmdep.outputFile=target/bench/classpath.txt -Dmdep.includeScope=test
rm -rf "$OUT"; mkdir -p "$OUT"
"${JAVA:-java}" ${READ_BENCH_JAVA_OPTS:--Xms1g -Xmx1g -XX:+UseParallelGC} \
  -cp "platform/target/classes:platform/target/test-classes:$(cat platform/target/bench/classpath.txt)" \
  org.odomo.bench.ReadBenchServer "$PORT" "$VEHICLES" "$OUT" "${BENCH_OPTS[@]}" ${READ_BENCH_ARGS:-} \
  > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
# The realistic variant creates hundreds of accounts and enrollments (password hashing) first.
for _ in $(seq 1 900); do [[ -f "$OUT/ready" ]] && break; kill -0 $SERVER 2>/dev/null || break; sleep 1; done
[[ -f "$OUT/ready" ]] || { tail -50 "$OUT/server.log"; exit 1; }
"${JAVA:-java}" -version 2>&1 | head -1 > "$OUT/java.txt"
# The API script with the per-second counting; the ping has the counting alone.
cat "$OUT/api.lua" bench/slices.lua > "$OUT/reads.lua"

# CPU time of the server process (user + system), in clock ticks.
cpu() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }
TICK=$(getconf CLK_TCK)
RUNS=" ${READ_BENCH_RUNS:-$DEFAULT_RUNS} "
run() { # name, then wrk arguments
  local name=$1; shift
  [[ "$RUNS" == *" $name "* ]] || return 0
  echo "== $name"
  local before; before=$(cpu)
  wrk "$@" | tee "$OUT/$name.txt"
  echo $(( $(cpu) - before )) > "$OUT/$name.cpu"
}
URL=http://127.0.0.1:$PORT
if [[ "$VARIANT" == simple ]]; then
  # Warm-up: the JIT compilers need tens of seconds on two cores before the rates settle.
  SUFFIX=/status wrk -t2 -c32 -d"${WARMUP}s" -s "$OUT/api.lua" "$URL" > /dev/null
  SUFFIX=/trips wrk -t2 -c32 -d"$((WARMUP / 3 + 1))s" -s "$OUT/api.lua" "$URL" > /dev/null
  wrk -t2 -c32 -d"$((WARMUP / 3 + 1))s" "$URL/ping" > /dev/null

  run ping        -t2 -c64 -d"${DURATION}s" --latency -s bench/slices.lua "$URL/ping"
  SUFFIX=/status run status -t2 -c64 -d"${DURATION}s" --latency -s "$OUT/reads.lua" "$URL"
  SUFFIX=/trips  run trips  -t2 -c64 -d"${DURATION}s" --latency -s "$OUT/reads.lua" "$URL"
  # Fixed pace: 64 connections each pausing 11 ms after every answer, about 5,000 calls/s while
  # answers take about a millisecond (the table shows the rate reached).
  SUFFIX=/status PAUSE_MS=11 run status-5k -t2 -c64 -d"${DURATION}s" --latency -s "$OUT/reads.lua" "$URL"
else
  # Warm-up at the same pace, the ingestion running all along.
  SUFFIX=/mix PAUSE_MS=${PAUSE_MS:-20} wrk -t2 -c"${READ_BENCH_CONNECTIONS:-32}" -d"${WARMUP}s" \
    -s "$OUT/api.lua" "$URL" > /dev/null
  INGEST_BEFORE=$(cat "$OUT/ingest.txt" 2>/dev/null || true)
  SUFFIX=/mix PAUSE_MS=${PAUSE_MS:-20} run mix -t2 -c"${READ_BENCH_CONNECTIONS:-32}" -d"${DURATION}s" --latency \
    -s "$OUT/reads.lua" "$URL"
  # Read now: the ingestion goes on until the server is stopped, and fails as it stops.
  INGEST_AFTER=$(cat "$OUT/ingest.txt")
fi

rate() { awk '/Requests\/sec/ {print $2}' "$OUT/$1.txt"; }
p99() { awk '$1=="99%" {print $2}' "$OUT/$1.txt"; }
count() { awk '/requests in/ {print $1}' "$OUT/$1.txt"; }
slowest() { awk '$1=="SLOWEST_5S" {print $2}' "$OUT/$1.txt"; }
bad() { # a run without the counts (wrk failed) counts as bad
  awk '$1=="NON_2XX" {seen=1} $1=="NON_2XX" || $1=="SOCKET_ERRORS" {n+=$2} END {print seen ? n+0 : "no-count"}' "$OUT/$1.txt"
}
field() { tr ' ' '\n' <<< "$1" | awk -F= -v k="$2" '$1==k {v=$2} END {print v+0}'; }
cpu_per_call() { awk -v t="$(cat "$OUT/$1.cpu")" -v n="$(count "$1")" -v hz="$TICK" 'BEGIN {printf "%.0f", t * 1e6 / hz / n}'; }
echo
echo "$(cat "$OUT/java.txt")"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| run | requests/s | slowest 5 s | p99 | server CPU µs per call | not 2xx or socket errors |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
FAIL=0
for r in $RUNS; do
  echo "| $r | $(rate "$r") | $(slowest "$r") | $(p99 "$r") | $(cpu_per_call "$r") | $(bad "$r") |"
  if [[ "$(bad "$r")" != 0 ]]; then
    echo "FAIL: $r: $(grep -E '^(STATUS|NON_2XX|SOCKET_ERRORS)' "$OUT/$r.txt" | tr '\n' ';')"
    FAIL=1
  fi
done
if [[ "$VARIANT" == realistic ]]; then
  SENT=$(( $(field "$INGEST_AFTER" sent) - $(field "$INGEST_BEFORE" sent) ))
  STORED=$(( $(field "$INGEST_AFTER" stored) - $(field "$INGEST_BEFORE" stored) ))
  echo "ingested during the run: $SENT messages sent, $STORED stored ($(awk -v n="$STORED" -v d="$DURATION" \
    'BEGIN {printf "%.0f", n / d}') a second); overall: $INGEST_AFTER"
  if [[ "$(field "$INGEST_AFTER" not_stored)" != 0 || "$(field "$INGEST_AFTER" failed)" != 0 || $STORED -le 0 ]]; then
    echo "FAIL: ingestion: $INGEST_AFTER"
    FAIL=1
  fi
fi
if [[ -f "$OUT/status.txt" && -f "$OUT/ping.txt" ]]; then
  echo "status/ping ratio: $(awk -v a="$(rate status)" -v b="$(rate ping)" 'BEGIN {printf "%.2f", a/b}')"
fi
(( FAIL == 0 )) && echo "PASS"
exit $FAIL
