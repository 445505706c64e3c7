#!/usr/bin/env bash
# Builds Vigil and the benchmarks, then runs W1 from one NDJSON file through Esper 9.0.0, raw
# Drools 10.2.0 and `vigil replay`, each a process of its own, after checking that they agree on
# a small file. Arguments: the sizes in events (default 100000 300000 1000000).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl rest-api,bench -am package -DskipTests
exec java -XX:+UseParallelGC -Xms512m -cp "bench/target/classes:bench/target/lib/*" dev.vigil.bench.EsperBenchmark "$@"
