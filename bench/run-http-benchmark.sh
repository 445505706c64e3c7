#!/usr/bin/env bash
# Builds Vigil and the benchmarks, then drives `vigil serve` on this machine with wrk (Debian's
# package `wrk`) and reports requests/s, events/s, event-to-alert latency and the engine alone.
# Arguments are passed on: seconds per run (15), rounds (3), partitions by account (0: not partitioned). VIGIL_JAVA_OPTS goes to the server,
# through the launcher, and to the benchmark's own JVM, which replays for the engine-alone figure.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
mvn -B -q -pl rest-api,bench -am package -DskipTests
# The same default as the vigil launcher's.
exec java ${VIGIL_JAVA_OPTS:--XX:+UseParallelGC -Xms1g} -cp "bench/target/classes:bench/target/lib/*" dev.vigil.bench.HttpBenchmark "$@"
