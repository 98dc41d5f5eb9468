#!/usr/bin/env bash
# Starts the platform as fast as the JVM allows (for example: ./fast-start.sh --spring.profiles.active=demo).
# The first time, and after any change under platform/, it builds the jar with Spring AOT (-Paot),
# extracts it (java -Djarmode=tools extract) and records a class-data-sharing archive of the classes
# a start loads, by a training start on an empty database in a temporary directory that stops once
# the application context is up. Then every start maps that archive instead of loading and verifying
# the classes again, uses the bean definitions generated at build time, compiles with C1 only (the
# C2 compiler's threads cost a start on two cores more than they save in a demo) and collects with
# the serial collector (G1's concurrent threads cost half a second of CPU during a start). Peak
# throughput is lower: for the first start's backfill or a benchmark, prefer java -jar.
# Arguments go to the platform. FAST_START_DIR (default target/fast-start) holds the extracted jar
# and the archive; FAST_START_CDS=off starts without the archive (to compare); FAST_START_PREPARE_ONLY=1
# builds what is missing and stops there; JAVA_OPTS adds JVM options. The AOT-generated beans are
# those of the in-process transport: start the mqtt profile with ./mvnw or java -jar.
set -euo pipefail
cd "$(dirname "$0")"

dir=${FAST_START_DIR:-target/fast-start}
archive=$dir/odomo.jsa
jar=$dir/odomo-platform.jar

stale() {
  [[ ! -f $archive ]] || [[ -n $(find platform/src platform/pom.xml pom.xml -newer "$archive" -print -quit) ]]
}

if stale; then
  echo "fast-start: building the AOT-processed jar and its class-data-sharing archive (once)" >&2
  ./mvnw -q -B -ntp -pl platform -Paot -DskipTests package
  rm -rf "$dir"
  mkdir -p "$dir"
  built=$(ls platform/target/odomo-platform-*-exec.jar | head -1)
  java -Djarmode=tools -jar "$built" extract --destination "$dir/extracted"
  # One name and place whatever the version: the archive records the jars' paths as given at start
  # (relative here) and is refused for any other.
  mv "$dir/extracted/lib" "$dir/lib"
  mv "$dir/extracted/$(basename "$built")" "$jar"
  rmdir "$dir/extracted"
  training=$(mktemp -d)
  # shellcheck disable=SC2064
  trap "rm -rf '$training'" EXIT
  ODOMO_DATA_DIR=$training java -XX:ArchiveClassesAtExit="$archive" -Dspring.aot.enabled=true \
    -Dspring.context.exit=onRefresh -Xlog:cds=off -Xlog:cds+dynamic=off \
    -jar "$jar" --server.port=0 --logging.level.root=warn > "$dir/training.log" 2>&1 || {
      echo "fast-start: the training start failed; see $dir/training.log" >&2
      exit 1
    }
  rm -rf "$training"
  trap - EXIT
fi

if [[ -n ${FAST_START_PREPARE_ONLY:-} ]]; then
  exit 0
fi
share=(-XX:SharedArchiveFile="$archive" -Xlog:cds=off)
if [[ ${FAST_START_CDS:-on} == off ]]; then
  share=()
fi
exec java ${share[@]+"${share[@]}"} -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dspring.aot.enabled=true ${JAVA_OPTS:-} -jar "$jar" "$@"
