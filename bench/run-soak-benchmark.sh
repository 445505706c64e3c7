#!/usr/bin/env bash
# Builds Vigil and the benchmarks, then soaks `vigil serve` with the default rule sets (rules/) under
# the fraud and monitoring samples' traffic over HTTP: heap, GC, queues and latency read every
# second. Arguments: minutes (30) and events per second (10000). Samples go to bench/target/soak.csv,
# the chart to bench/results/soak.svg. VIGIL_JAVA_OPTS goes to the server, through the launcher,
# and to the benchmark's own JVM, which generates the load on the same machine.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl rest-api,bench -am package -DskipTests
# The same default as the vigil launcher's.
exec java ${VIGIL_JAVA_OPTS:--XX:+UseParallelGC -Xms1g} -cp "bench/target/classes:bench/target/lib/*" dev.vigil.bench.SoakBenchmark "$@"
