#!/usr/bin/env bash
# Builds Vigil and the benchmarks, then drives a server on this machine over HTTP.
# Arguments are passed on: events for the NDJSON run, requests for the single-event run, clients.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl bench -am package -DskipTests
exec java -Xms2g -Xmx2g -XX:+UseParallelGC -cp "bench/target/classes:bench/target/lib/*" dev.vigil.bench.HttpLoadBenchmark "$@"
