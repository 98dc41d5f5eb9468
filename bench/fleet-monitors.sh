#!/usr/bin/env bash
# The fleet monitors' evaluation cost next to the B2C monitors', in the same sitting: ingestion on
# a fresh embedded database (the in-process transport into H2, as bench/monitors.sh) three times,
# each in a JVM of its own: without monitors; with BENCH_MONITORS (default 10) B2C monitors per
# vehicle (bench BenchMonitors); with as many fleet monitors per fleet of 1,000 vehicles (the same
# kinds of triggers, placed so that none ever changes: BenchMonitors.quiet), so that each message
# meets as many evaluations on both paths.
# Reports, for each run, the rate and the monitors consumer's CPU per event and per evaluation
# (embedded database work included), its evaluations and extra rows per event.
# Settings (environment): BENCH_VEHICLES (default 20000), BENCH_MONITORS, BENCH_SECONDS (default 30),
# BENCH_WARMUP (default 10), BENCH_JAVA_OPTS. Extra arguments go to every run.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${BENCH_SECONDS:-30}
warmup=${BENCH_WARMUP:-10}
vehicles=${BENCH_VEHICLES:-20000}
monitors=${BENCH_MONITORS:-10}
java_opts=${BENCH_JAVA_OPTS:--Xms3g -Xmx3g -XX:+UseParallelGC -Xmn1500m -Dh2.objectCache=false}

./mvnw -q -B -pl platform test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
  -Dmdep.includeScope=test
classpath="platform/target/test-classes:platform/target/classes:$(cat platform/target/bench.classpath)"

out="bench/results/fleet-monitors-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
for run in none b2c fleet; do
  case $run in
    none) extra=(--monitors=0) ;;
    b2c) extra=(--monitors="$monitors") ;;
    fleet) extra=(--fleet-monitors="$monitors") ;;
  esac
  log="$out/$run.log"
  echo "== $run (${extra[*]})"
  status=0
  # shellcheck disable=SC2086
  java $java_opts -cp "$classpath" org.odomo.bench.IngestBenchmark inprocess-h2 --vehicles="$vehicles" \
    --warmup="$warmup" --seconds="$seconds" --follow-log=true "${extra[@]}" "$@" > "$log" 2>&1 || status=$?
  grep -E '^(BENCH|RESULT)' "$log" || true
  if (( status != 0 )); then
    echo "FAIL: $run (exit $status); see $log"
    tail -20 "$log"
    exit 1
  fi
done

echo
echo "machine: $(nproc) CPU(s), $(free -g | awk '/Mem:/ {print $2}') GiB, load average $(cut -d' ' -f1-3 /proc/loadavg); logs in $out"
for run in none b2c fleet; do
  grep -h '^RESULT' "$out/$run.log" | awk -v run="$run" '
    {
      for (i = 2; i <= NF; i++) { split($i, kv, "="); r[kv[1]] = kv[2] }
      if (run == "none") {
        printf "%-6s %s msg/s (slowest 5 s %s, JVM %s us/msg)\n", run, r["rate"], r["slowest_5s"], r["jvm_cpu_us_per_msg"]
      } else {
        printf "%-6s %s msg/s (slowest 5 s %s, JVM %s us/msg); consumer CPU %s us per event, %s us per evaluation; %s evaluations per message over the run (%s us of consumer CPU); %s extra rows per event; behind the log by %s events at the end of the window\n",
          run, r["rate"], r["slowest_5s"], r["jvm_cpu_us_per_msg"], r["monitor_cpu_us_per_event"], r["monitor_cpu_us_per_evaluation"],
          r["run_evaluations_per_msg"], r["run_monitor_cpu_us_per_msg"], r["extra_rows_per_event"], r["monitor_lag_end"]
      }
    }'
done
