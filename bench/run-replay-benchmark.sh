#!/usr/bin/env bash
# Builds the engine and the benchmark, then runs the replay benchmark in a JVM of its own.
# Arguments are passed on: events, accounts, spacing in ms, measured rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl bench -am package -DskipTests
exec java -Xms2g -Xmx2g -XX:+UseParallelGC -cp "bench/target/classes:bench/target/lib/*" dev.vigil.bench.ReplayBenchmark "$@"
