#!/usr/bin/env bash
# Builds Vigil and the benchmarks, then measures replays from an NDJSON file: `vigil replay`,
# POST /api/v1/replays to `vigil serve`, and the engine alone. Arguments: events (1,000,000), rounds (3).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl rest-api,bench -am package -DskipTests
exec java -XX:+UseParallelGC -Xms1g -cp "bench/target/classes:bench/target/lib/*" dev.vigil.bench.FileReplayBenchmark "$@"
