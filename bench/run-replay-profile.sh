#!/usr/bin/env bash
# Builds Vigil and the benchmarks, then profiles `vigil replay` of W1 (argument: events, default
# 1000000) with async-profiler's CPU sampler and prints where the time goes, per thread and per part
# of the session thread's work. async-profiler comes from Maven Central (tools.profiler:async-profiler),
# whose jar carries the native library.
set -euo pipefail
cd "$(dirname "$0")/.."
version=3.0
mvn -B -q -pl rest-api,bench -am package -DskipTests
mvn -B -q dependency:copy -Dartifact="tools.profiler:async-profiler:$version" -DoutputDirectory=bench/target/async-profiler
unzip -o -q "bench/target/async-profiler/async-profiler-$version.jar" linux-x64/libasyncProfiler.so -d bench/target/async-profiler
exec java -cp "bench/target/classes:bench/target/lib/*" dev.vigil.bench.ReplayProfile \
    bench/target/async-profiler/linux-x64/libasyncProfiler.so "$@"
