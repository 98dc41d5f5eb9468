#!/usr/bin/env bash
# Remote action latency on this machine: POST of an action to its Done notification at a local
# webhook receiver, simulated cars at real time on the in-process link, the platform with its
# default settings on the embedded database. Prints p50/p95/max for awake and sleeping cars.
# Arguments: awake cars (default 30), rounds of actions for them (3), sleeping cars (30).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -pl platform test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
  -Dmdep.includeScope=test
classpath="platform/target/test-classes:platform/target/classes:$(cat platform/target/bench.classpath)"
java ${BENCH_JAVA_OPTS:--Xmx1g} -cp "$classpath" org.odomo.bench.RemoteBenchmark "$@" 2>&1 | grep -E '^(BENCH|RESULT)'
