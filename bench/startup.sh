#!/usr/bin/env bash
# Start-up time of the demo on a restart: from process start to the first HTTP 200 (GET /ping,
# polled every 20 ms), with an embedded database the demo's first start has filled.
# Builds once (./fast-start.sh: the jar with Spring AOT, extracted, and its class-data-sharing
# archive), starts the demo once on a fresh data directory until its backfill is done and the fleet
# is live, stops it, then restarts it STARTUP_RUNS times in each mode and prints each time, the
# median, the CPU time the JVM had used by then and the heap used after the start:
#   jar         java -jar platform/target/odomo-platform-*-exec.jar (the runnable jar, no flags)
#   fast-nocds  ./fast-start.sh with FAST_START_CDS=off (extracted jar, AOT, C1 only, no archive)
#   fast        ./fast-start.sh (the same with the archive)
#   mvn         ./mvnw spring-boot:run -Dspring-boot.run.profiles=demo (the README's command,
#               Maven's own start included)
#   mvn-c1      the same with -Dspring-boot.run.jvmArguments=-XX:TieredStopAtLevel=1
#   baseline    ./fast-start.sh of another checkout (STARTUP_BASELINE, for example an export of an
#               earlier commit), built into its own directory and started on the same data, to
#               compare a change with what it changes in one sitting
# The modes take turns (run 1 of each mode, then run 2 of each, ...), so that a change in the
# machine's load falls on all of them alike.
# Settings (environment): STARTUP_RUNS (5), STARTUP_MODES ("jar fast-nocds fast mvn"),
# STARTUP_BACKFILL (P2D: the default 14 days take minutes), STARTUP_BASELINE (a directory holding
# another checkout, for the baseline mode). Results in bench/results/startup-*.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${STARTUP_RUNS:-5}
modes=${STARTUP_MODES:-jar fast-nocds fast mvn}
backfill=${STARTUP_BACKFILL:-P2D}
out="$PWD/bench/results/startup-$(date -u +%Y%m%dT%H%M%SZ)"
data=$out/data
mkdir -p "$out"
export FAST_START_DIR=$out/fast-start
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port

FAST_START_PREPARE_ONLY=1 ./fast-start.sh
baseline=${STARTUP_BASELINE:-}
if [[ " $modes " == *" baseline "* ]]; then
  [[ -n $baseline && -x $baseline/fast-start.sh ]] || { echo "the baseline mode needs STARTUP_BASELINE (a checkout)" >&2; exit 2; }
  FAST_START_DIR=$out/baseline-start FAST_START_PREPARE_ONLY=1 "$baseline/fast-start.sh"
fi
jar=$(ls platform/target/odomo-platform-*-exec.jar | head -1)

pid=
stop() {
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    pkill -TERM -P "$pid" 2>/dev/null || true # spring-boot:run's forked JVM
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  pid=
}
trap stop EXIT

launch() { # mode log
  local mode=$1 log=$2
  case $mode in
    jar) java -jar "$jar" --spring.profiles.active=demo --server.port="$port" > "$log" 2>&1 & ;;
    fast-nocds) FAST_START_CDS=off ./fast-start.sh --spring.profiles.active=demo --server.port="$port" > "$log" 2>&1 & ;;
    fast) ./fast-start.sh --spring.profiles.active=demo --server.port="$port" > "$log" 2>&1 & ;;
    mvn) ./mvnw -q -B -ntp spring-boot:run -Dspring-boot.run.profiles=demo \
           -Dspring-boot.run.arguments=--server.port="$port" > "$log" 2>&1 & ;;
    baseline) FAST_START_DIR=$out/baseline-start "$baseline/fast-start.sh" --spring.profiles.active=demo \
           --server.port="$port" > "$log" 2>&1 & ;;
    mvn-c1) ./mvnw -q -B -ntp spring-boot:run -Dspring-boot.run.profiles=demo \
           -Dspring-boot.run.arguments=--server.port="$port" \
           -Dspring-boot.run.jvmArguments=-XX:TieredStopAtLevel=1 > "$log" 2>&1 & ;;
    *) echo "unknown mode $mode" >&2; exit 2 ;;
  esac
  pid=$!
}

# The JVM that serves: the launched process, or spring-boot:run's child.
serving_pid() {
  local child
  child=$(pgrep -P "$pid" java 2>/dev/null | head -1 || true)
  echo "${child:-$pid}"
}

export ODOMO_DATA_DIR=$data
echo "== first start (backfill $backfill) on $data"
began=$(date +%s%N)
java -jar "$jar" --spring.profiles.active=demo --server.port="$port" --odomo.demo.backfill="$backfill" \
  > "$out/first-start.log" 2>&1 &
pid=$!
until grep -qs 'Odomo demo ready' "$out/first-start.log"; do
  kill -0 "$pid" 2>/dev/null || { echo "first start failed; see $out/first-start.log"; exit 1; }
  sleep 1
done
echo "first start: demo ready after $(( ($(date +%s%N) - began) / 1000000 )) ms;" \
  "$(grep -o 'demo backfill: 100 %.*' "$out/first-start.log")"
stop

results=$out/results.txt
: > "$results"
for i in $(seq 1 "$runs"); do
  for mode in $modes; do
    log=$out/$mode-$i.log
    start=$(date +%s%N)
    launch "$mode" "$log"
    until curl -fs -o /dev/null "$base/ping"; do
      kill -0 "$pid" 2>/dev/null || { echo "$mode start $i failed; see $log"; exit 1; }
      sleep 0.02
    done
    end=$(date +%s%N)
    jvm=$(serving_pid)
    cpu_ms=$(awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$jvm/stat")
    heap=$(curl -fs -u operator:odomo-operator "$base/actuator/metrics/jvm.memory.used?tag=area:heap" \
      | python3 -c 'import json, sys; print(round(json.load(sys.stdin)["measurements"][0]["value"] / 2**20))')
    line="$mode run=$i ms=$(( (end - start) / 1000000 )) jvm_cpu_ms=$cpu_ms heap_mib=$heap load=$(cut -d' ' -f1 /proc/loadavg)"
    echo "$line" | tee -a "$results"
    stop
  done
done

echo
echo "machine: $(nproc) CPU(s), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(uptime)"
printf '%-11s %-40s %9s %12s %9s\n' mode "ms to first 200 (each run)" median "cpu ms (med)" "heap MiB"
for mode in $modes; do
  grep "^$mode " "$results" | awk -v mode="$mode" '
    { split($3, a, "="); split($4, c, "="); split($5, h, "="); ms[NR] = a[2]; cpu[NR] = c[2]; heap[NR] = h[2]
      list = list (NR > 1 ? " " : "") a[2] }
    function median(v, n,   i, j, t) {
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
      return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    }
    END { n = NR; printf "%-11s %-40s %9s %12s %9s\n", mode, list, median(ms, n), median(cpu, n), median(heap, n) }'
done
echo "results in $out"
