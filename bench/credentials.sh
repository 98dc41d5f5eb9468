#!/usr/bin/env bash
# Credential flood benchmark: the p99 of authenticated status reads at a moderate, fixed pace,
# alone and then while 50 connections send wrong passwords as fast as they can (half to the
# operator API, half to the token endpoint as wrong client secrets), and the growth of the
# platform's resident memory during the flood. Exits non-zero if the p99 with the flood is more
# than twice the p99 without, if resident memory grows by 300 MB or more, or if any legitimate
# read is not answered 2xx.
# Usage: bench/credentials.sh [duration-seconds]
# Environment: JAVA, CREDS_BENCH_JAVA_OPTS (JVM options), CREDS_BENCH_ARGS (Spring properties for
# the server, --name=value, e.g. --odomo.credentials.failures-per-source=1000000 to see the
# concurrency bound alone), READS_CONNECTIONS and PAUSE_MS (the legitimate load), WARMUP (seconds).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-60}
PORT=${PORT:-18082}
WARMUP=${WARMUP:-30}
READS_CONNECTIONS=${READS_CONNECTIONS:-4}
export PAUSE_MS=${PAUSE_MS:-5}
FLOOD_CONNECTIONS=50
OUT=target/bench/credentials
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)"; exit 1; }

./mvnw -q -B -pl platform test-compile
./mvnw -q -B -pl platform dependency:build-classpath -Dmdep.outputFile=target/bench/classpath.txt -Dmdep.includeScope=test
rm -rf "$OUT"; mkdir -p "$OUT"
# shellcheck disable=SC2086
"${JAVA:-java}" ${CREDS_BENCH_JAVA_OPTS:--Xms1g -Xmx1g -XX:+UseParallelGC} \
  -cp "platform/target/classes:platform/target/test-classes:$(cat platform/target/bench/classpath.txt)" \
  org.odomo.bench.ReadBenchServer "$PORT" 50 "$OUT" ${CREDS_BENCH_ARGS:-} > "$OUT/server.log" 2>&1 &
SERVER=$!
FLOODS=()
cleanup() {
  for p in "${FLOODS[@]}"; do kill "$p" 2>/dev/null || true; done
  kill $SERVER 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 180); do [[ -f "$OUT/ready" ]] && break; sleep 1; done
[[ -f "$OUT/ready" ]] || { tail -50 "$OUT/server.log"; exit 1; }
"${JAVA:-java}" -version 2>&1 | head -1 > "$OUT/java.txt"

URL=http://127.0.0.1:$PORT
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$SERVER/status"; }
reads() { # name
  SUFFIX=/status wrk -t1 -c"$READS_CONNECTIONS" -d"${DURATION}s" --latency -s "$OUT/api.lua" "$URL" > "$OUT/$1.txt"
}
p99_ms() { # wrk prints 99% as e.g. 1.23ms, 456.00us or 1.02s
  awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub("us","",v); print v/1000} else if (v ~ /ms$/) {sub("ms","",v); print v+0}
       else if (v ~ /s$/) {sub("s","",v); print v*1000}}' "$OUT/$1.txt"
}
non2xx() { awk '/Non-2xx or 3xx responses:/ {n=$5} END {print n+0}' "$OUT/$1.txt"; }
errors() { awk '/Socket errors:/ {gsub(",",""); n=$4+$6+$8+$10} END {print n+0}' "$OUT/$1.txt"; }
requests() { awk '/requests in/ {print $1}' "$OUT/$1.txt"; }

# The flood: a wrong operator password, and a wrong secret for the bench app at the token endpoint.
WRONG_OPERATOR=$(printf 'operator:wrong-password' | base64)
WRONG_CLIENT=$(printf 'read-bench:wrong-secret' | base64)
cat > "$OUT/token.lua" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Basic $WRONG_CLIENT"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "grant_type=authorization_code&code=x&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback"
LUA

# Warm-up, with the flood too so that its code paths are compiled before either measurement.
SUFFIX=/status wrk -t1 -c"$READS_CONNECTIONS" -d"${WARMUP}s" -s "$OUT/api.lua" "$URL" > /dev/null
wrk -t1 -c4 -d"$((WARMUP / 3 + 1))s" -H "Authorization: Basic $WRONG_OPERATOR" "$URL/admin/v1/apps" > /dev/null
# The warm-up flood spent the loopback address's budget; let it refill before the quiet run.
sleep 65

echo "== status reads alone (${DURATION}s, $READS_CONNECTIONS connections, ${PAUSE_MS} ms pause)"
reads quiet
RSS_BEFORE=$(rss_kb)

echo "== status reads during a flood of $FLOOD_CONNECTIONS connections of wrong passwords"
wrk -t1 -c$((FLOOD_CONNECTIONS / 2)) -d"$((DURATION + 5))s" -H "Authorization: Basic $WRONG_OPERATOR" \
  "$URL/admin/v1/apps" > "$OUT/flood-operator.txt" &
FLOODS+=($!)
wrk -t1 -c$((FLOOD_CONNECTIONS / 2)) -d"$((DURATION + 5))s" -s "$OUT/token.lua" \
  "$URL/am/oauth2/access_token?realm=clientsB2CPeugeot" > "$OUT/flood-token.txt" &
FLOODS+=($!)
RSS_MAX=$RSS_BEFORE
( while kill -0 "${FLOODS[0]}" 2>/dev/null; do rss_kb; sleep 1; done ) > "$OUT/rss.txt" &
SAMPLER=$!
sleep 2
reads flood
wait "${FLOODS[@]}" || true
wait $SAMPLER || true
RSS_MAX=$(sort -n "$OUT/rss.txt" | tail -1)
[[ -n "$RSS_MAX" ]] || RSS_MAX=$RSS_BEFORE

QUIET=$(p99_ms quiet)
FLOOD=$(p99_ms flood)
RATIO=$(awk -v a="$FLOOD" -v b="$QUIET" 'BEGIN {printf "%.2f", a / b}')
GROWTH_MB=$(awk -v a="$RSS_MAX" -v b="$RSS_BEFORE" 'BEGIN {printf "%.0f", (a - b) / 1024}')
BAD=$(( $(non2xx quiet) + $(non2xx flood) + $(errors quiet) + $(errors flood) ))
echo
cat "$OUT/java.txt"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| run | status reads | p99 |"
echo "| --- | ---: | ---: |"
echo "| alone | $(requests quiet) | ${QUIET} ms |"
echo "| during the flood | $(requests flood) | ${FLOOD} ms |"
for f in operator token; do
  echo "flood $f: $(requests flood-$f) requests, statuses: $(awk '/Non-2xx/ {print $5 " non-2xx"}' "$OUT/flood-$f.txt")"
done
echo "p99 ratio (flood / alone): $RATIO"
echo "resident memory: $((RSS_BEFORE / 1024)) MB before the flood, $((RSS_MAX / 1024)) MB at most during it, growth ${GROWTH_MB} MB"
echo "legitimate reads not answered 2xx (or socket errors): $BAD"
FAIL=0
awk -v r="$RATIO" 'BEGIN {exit !(r > 2)}' && { echo "FAIL: p99 ratio above 2"; FAIL=1; }
(( GROWTH_MB >= 300 )) && { echo "FAIL: resident memory grew by 300 MB or more"; FAIL=1; }
(( BAD > 0 )) && { echo "FAIL: legitimate reads failed"; FAIL=1; }
(( FAIL == 0 )) && echo "PASS"
exit $FAIL
