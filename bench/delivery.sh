#!/usr/bin/env bash
# Delivery throughput on this machine: pre-fills the outbox in the embedded database, then
# delivers to a local webhook receiver and prints notifications per second.
# Arguments: number of notifications (default 20000), number of streams (default: as many as
# notifications, so that every message goes alone).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -pl platform test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
  -Dmdep.includeScope=test
classpath="platform/target/test-classes:platform/target/classes:$(cat platform/target/bench.classpath)"
java ${BENCH_JAVA_OPTS:--Xmx2g} -Djdk.httpclient.allowRestrictedHeaders=host -cp "$classpath" \
  org.odomo.delivery.internal.DeliveryBenchmark "$@" 2>&1 | grep -E '^(BENCH|RESULT)'
