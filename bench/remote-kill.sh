#!/usr/bin/env bash
# Remote actions across a kill -9 of the platform, on PostgreSQL and Mosquitto: one node from the
# runnable jar (profiles postgres and mqtt), the simulated cars at real time over the broker in a
# process that is never killed. Once every car has talked, four actions per car (horn, lights,
# door, preconditioning) are posted, the node is killed with kill -9 right after the last POST and
# started again on the same database. Every action must then be Done within its time-out plus 60 s
# of its request, none Pending, none carried out twice by a car (org.odomo.bench.RemoteKillRun says
# how that is counted). The run gets a database of its own, created here and dropped after, and a
# topic prefix of its own on the broker. Settings (environment): REMOTE_KILL_CARS (default 250,
# that is 1,000 actions), REMOTE_KILL_TIMEOUT (the actions' time-out, default PT2M as shipped),
# REMOTE_KILL_DOWNLINK_DELAY (how late downlinks reach the cars, default PT30S).
# Exits non-zero when the run is not clean. Needs a JDK 17+, PostgreSQL on 127.0.0.1:5432 (user
# postgres, trust) and Mosquitto on 127.0.0.1:1883 (anonymous).
set -euo pipefail
cd "$(dirname "$0")/.."

cars=${REMOTE_KILL_CARS:-250}
timeout=${REMOTE_KILL_TIMEOUT:-PT2M}
delay=${REMOTE_KILL_DOWNLINK_DELAY:-PT30S}

./mvnw -q -B -pl platform -DskipTests package
./mvnw -q -B -pl platform test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
  -Dmdep.includeScope=test
jar=$(ls platform/target/odomo-platform-*-exec.jar | head -1)
classpath="platform/target/test-classes:platform/target/classes:$(cat platform/target/bench.classpath)"

out="bench/results/remote-kill-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
db="odomo_remote_kill_$(date -u +%s)"
createdb -h 127.0.0.1 -U postgres "$db"
echo "== remote kill (database $db)"
status=0
java -Xmx1g -cp "$classpath" org.odomo.bench.RemoteKillRun --db="$db" --jar="$jar" --out="$out" \
  --cars="$cars" --timeout="$timeout" --downlink-delay="$delay" > "$out/run.log" 2>&1 || status=$?
grep -E '^(BENCH|RESULT)' "$out/run.log" || tail -40 "$out/run.log"
# The node is stopped by the run; a database still in use is dropped once it is gone.
dropdb -h 127.0.0.1 -U postgres --if-exists --force "$db" || echo "could not drop $db"
echo "machine: $(nproc) CPU(s), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB; logs in $out"
if (( status != 0 )); then
  echo "FAIL: exit $status; see $out/run.log"
  exit 1
fi
