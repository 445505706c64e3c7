#!/usr/bin/env bash
# Builds Vigil and the benchmarks, starts the single-node Kafka broker of bench/kafka/broker on a free
# loopback port (its data in a temporary folder), and measures Vigil fed by Kafka: W1's events from
# a topic to alerts with one instance and two, beside posting them as NDJSON (throughput); the
# consumer lag while one of two instances is killed with SIGKILL (failover, series in
# bench/results/kafka-failover-<timeouts>.csv); and the takeover of a partition holding a full 60 s
# window (takeover). Arguments: the parts (default all three) and name=value settings: events
# (300000), rounds (3), rate (5000 events/s), seconds (60, of the failover's stream), timeouts
# (short: --kafka-session-timeout 6s --kafka-transaction-timeout 5s; defaults: the server's, 10s and 10s).
#   bench/run-kafka-benchmark.sh
#   bench/run-kafka-benchmark.sh failover takeover timeouts=defaults
# VIGIL_JAVA_OPTS goes to the instances, through the launcher.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl rest-api,bench -am package -DskipTests
bench/kafka/classpath >/dev/null
exec java -XX:+UseParallelGC -Xmx1g -cp "bench/target/classes:bench/target/lib/*" dev.vigil.bench.KafkaBenchmark "$@"
