#!/usr/bin/env bash
# Builds the project, runs every ingestion benchmark scenario in its own JVM and prints a table.
# Settings (environment): BENCH_SECONDS (measurement window, default 30), BENCH_WARMUP (default 10),
# BENCH_VEHICLES (default 10000), BENCH_JAVA_OPTS, BENCH_SCENARIOS. Extra arguments go to every
# scenario (for example --window=4000 or --odomo.ingest.batch-size=1000).
# Exits non-zero if a scenario fails or ends with verified=false (a message sent and not stored
# exactly once). Needs a JDK 17+; PostgreSQL and Mosquitto are started by .ci/start-services
# (apt-get install postgresql mosquitto).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${BENCH_SECONDS:-30}
warmup=${BENCH_WARMUP:-10}
vehicles=${BENCH_VEHICLES:-10000}
scenarios=${BENCH_SCENARIOS:-inprocess-h2 h2-writes mosquitto mqtt-postgres}
# ParallelGC with a large young generation: every in-flight message is a tree that survives a
# young collection or two, which G1 copied at several times the cost on two cores. The H2 value
# cache hashes every string bound or read (message bodies, state documents) for little reuse.
java_opts=${BENCH_JAVA_OPTS:--Xms3g -Xmx3g -XX:+UseParallelGC -Xmn1500m -Dh2.objectCache=false}

.ci/start-services
./mvnw -q -B -pl platform test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
  -Dmdep.includeScope=test
classpath="platform/target/test-classes:platform/target/classes:$(cat platform/target/bench.classpath)"

out="bench/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
failed=()
for scenario in $scenarios; do
  echo "== $scenario"
  # The benchmark exits non-zero when a message sent was not stored exactly once (verified=false)
  # or when it could not run at all: the run fails, whatever the rate.
  status=0
  # shellcheck disable=SC2086
  java $java_opts -cp "$classpath" org.odomo.bench.IngestBenchmark "$scenario" --vehicles="$vehicles" \
    --warmup="$warmup" --seconds="$seconds" "$@" > "$out/$scenario.log" 2>&1 || status=$?
  grep -E '^(BENCH|RESULT)' "$out/$scenario.log" || true
  if (( status != 0 )) || ! grep -q '^RESULT .* verified=true' "$out/$scenario.log"; then
    echo "FAIL: $scenario (exit $status); see $out/$scenario.log"
    tail -20 "$out/$scenario.log"
    failed+=("$scenario")
  fi
done

for scenario in $scenarios; do
  grep -h '^RESULT' "$out/$scenario.log" || true
done > "$out/results.txt"
echo
echo "machine: $(nproc) CPU(s), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB; results in $out"
awk '
  function v(k) { return (k in r) ? r[k] : "-" }
  BEGIN {
    printf "%-14s %10s %10s %10s %8s %8s %9s %6s %9s\n", "scenario", "msg/s", "slowest5s", "fastest5s",
      "jvm us", "pg us", "mosq us", "busy%", "verified"
  }
  {
    delete r
    for (i = 2; i <= NF; i++) { split($i, kv, "="); r[kv[1]] = kv[2] }
    printf "%-14s %10s %10s %10s %8s %8s %9s %6s %9s\n", v("scenario"), v("rate"), v("slowest_5s"),
      v("fastest_5s"), v("jvm_cpu_us_per_msg"), v("postgres_cpu_us_per_msg"), v("mosquitto_cpu_us_per_msg"),
      v("machine_busy_pct"), v("verified")
    rate[v("scenario")] = v("rate")
    slowest[v("scenario")] = v("slowest_5s")
  }
  END {
    print "(us = CPU microseconds per message of the benchmark JVM, PostgreSQL and Mosquitto; busy = all cores, any process)"
    if (("mqtt-postgres" in rate) && ("mosquitto" in rate) && rate["mosquitto"] > 0)
      printf "MQTT into PostgreSQL / Mosquitto alone: %.0f%%\n", 100 * rate["mqtt-postgres"] / rate["mosquitto"]
    target("inprocess-h2", "in-process H2", 20000)
    target("mqtt-postgres", "MQTT into PostgreSQL", 10000)
  }
  # The rate over the whole window can hide a stall: the slowest 5 s slice is shown next to it.
  function target(scenario, label, goal) {
    if (!(scenario in rate)) return
    printf "target %s >= %d msg/s: %s (window %s msg/s, slowest 5 s slice %s msg/s: %s)\n", label, goal,
      (rate[scenario] >= goal ? "met" : "missed"), rate[scenario], slowest[scenario],
      (slowest[scenario] >= goal ? "met" : "missed")
  }' "$out/results.txt"
if (( ${#failed[@]} > 0 )); then
  echo "FAIL: ${failed[*]}: not every message sent was stored exactly once, or the run broke"
  exit 1
fi
