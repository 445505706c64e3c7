#!/usr/bin/env bash
# Builds the engine and the benchmarks, then measures heap and speed of "a payment above the card's
# highest amount of the last W" for W = 1h, 1d and 30d, three ways (Vigil with the raw payments in an
# accumulate, Vigil with a profile, Esper 9.0.0), each configuration in a JVM of its own (-Xmx2g
# -XX:+UseParallelGC). Settings as name=value: rounds (3), windows (1h,1d,30d), ways
# (before,after,esper), seed (7), cap (240: the most seconds a run feeds events for).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl bench -am package -DskipTests
exec java -cp "bench/target/classes:bench/target/lib/*" dev.vigil.bench.WindowBenchmark "$@"
