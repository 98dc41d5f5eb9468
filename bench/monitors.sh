#!/usr/bin/env bash
# Ingestion with and without B2C monitors, in the same sitting, each run in a JVM of its own on a
# fresh embedded database (the in-process transport into H2, as the inprocess-h2 scenario of
# bench/run.sh): first without monitors, then with BENCH_MONITORS (default 10) per vehicle (4 on
# data, 3 zones, 2 time windows, 1 combined: bench BenchMonitors), and the ratio of the two rates.
# The run with monitors also reports the monitors consumer's CPU per event, its evaluations and
# edge changes, the rows it writes per event, how far behind the log it was, and the heap of the
# parsed definitions.
# The load is closed on the whole pipeline (--follow-log): at most --window (4,000) messages not yet
# acknowledged, and no more while the event log's consumers (trips, monitors) are more than that many
# events behind, so that the rate is what ingestion and its consumers sustain together.
# Settings (environment): BENCH_VEHICLES (default 100000), BENCH_MONITORS, BENCH_SECONDS (default 30),
# BENCH_WARMUP (default 10), BENCH_ROUNDS (pairs of runs, default 1), BENCH_JAVA_OPTS. Extra
# arguments go to both runs (for example --odomo.monitors.definition-cache=1000000).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${BENCH_SECONDS:-30}
warmup=${BENCH_WARMUP:-10}
vehicles=${BENCH_VEHICLES:-100000}
monitors=${BENCH_MONITORS:-10}
rounds=${BENCH_ROUNDS:-1}
# As bench/run.sh: ParallelGC with a large young generation, no H2 value cache.
java_opts=${BENCH_JAVA_OPTS:--Xms3g -Xmx3g -XX:+UseParallelGC -Xmn1500m -Dh2.objectCache=false}

./mvnw -q -B -pl platform test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
  -Dmdep.includeScope=test
classpath="platform/target/test-classes:platform/target/classes:$(cat platform/target/bench.classpath)"

out="bench/results/monitors-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
for round in $(seq 1 "$rounds"); do
  for n in 0 "$monitors"; do
    log="$out/round$round-monitors$n.log"
    echo "== round $round, $n monitors a vehicle"
    status=0
    # shellcheck disable=SC2086
    java $java_opts -cp "$classpath" org.odomo.bench.IngestBenchmark inprocess-h2 --vehicles="$vehicles" \
      --warmup="$warmup" --seconds="$seconds" --monitors="$n" --follow-log=true "$@" > "$log" 2>&1 || status=$?
    grep -E '^(BENCH|RESULT)' "$log" || true
    if (( status != 0 )); then
      echo "FAIL: round $round with $n monitors (exit $status); see $log"
      tail -20 "$log"
      exit 1
    fi
  done
done

echo
echo "machine: $(nproc) CPU(s), $(free -g | awk '/Mem:/ {print $2}') GiB, load average $(cut -d' ' -f1-3 /proc/loadavg); logs in $out"
for round in $(seq 1 "$rounds"); do
  without=$(grep -h '^RESULT' "$out/round$round-monitors0.log")
  with=$(grep -h '^RESULT' "$out/round$round-monitors$monitors.log")
  printf '%s\n%s\n' "$without" "$with" | awk -v round="$round" -v n="$monitors" '
    {
      delete r
      for (i = 2; i <= NF; i++) { split($i, kv, "="); r[kv[1]] = kv[2] }
      rate[NR] = r["rate"]; slow[NR] = r["slowest_5s"]; cpu[NR] = r["jvm_cpu_us_per_msg"]; busy[NR] = r["machine_busy_pct"]
      if (NR == 2) for (k in r) w[k] = r[k]
    }
    END {
      printf "round %d: without monitors %s msg/s (slowest 5 s %s, JVM %s us/msg, busy %s%%); with %d a vehicle %s msg/s (slowest 5 s %s, JVM %s us/msg, busy %s%%): %.0f%%\n",
        round, rate[1], slow[1], cpu[1], busy[1], n, rate[2], slow[2], cpu[2], busy[2], 100 * rate[2] / rate[1]
      printf "  monitors consumer: %s events in the window (%s a message), behind the log by %s events at its start and %s at its end, caught up %s s later (%s)\n",
        w["monitor_events"], w["monitor_events_per_msg"], w["monitor_lag_start"], w["monitor_lag_end"], w["monitors_catch_up_s"], w["monitors_caught_up"]
      printf "  over the run, per message: %s events, %s evaluations, %s us of the consumer CPU, %s extra rows\n",
        w["run_events_per_msg"], w["run_evaluations_per_msg"], w["run_monitor_cpu_us_per_msg"], w["run_extra_rows_per_msg"]
      printf "  in the window: CPU %s us per event (%s us per evaluation, embedded database work included); %s evaluations, %s %% changed an edge (%s %% over the run)\n",
        w["monitor_cpu_us_per_event"], w["monitor_cpu_us_per_evaluation"], w["evaluations"], w["edge_change_pct"], w["run_edge_change_pct"]
      printf "  extra rows per event: %s (edges %s, samples %s, notifications %s); parsed definitions of all %s monitors: %s MB (%s bytes each; the cache held %s)\n",
        w["extra_rows_per_event"], w["edge_rows_per_event"], w["sample_rows_per_event"], w["notification_rows_per_event"], w["index_monitors"], w["index_heap_mb"], w["index_bytes_per_monitor"], w["index_cached_entries"]
    }'
done
