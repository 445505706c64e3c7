#!/usr/bin/env bash
# The endpoint fuzz test (rest-api's EndpointFuzzIT) for a long run: random and mutated events,
# NDJSON, CloudEvents, DRL, rule-language and rule-test files and query parameters against a real
# server, checking that none gets a 5xx or hangs and that what is refused changes nothing.
# Argument: tries per property (default 10000; the test suite runs 60). A failure prints the
# shrunk input and the seed; jqwik reruns the failing seed first on the next run.
set -euo pipefail
cd "$(dirname "$0")/.."
tries="${1:-10000}"
mvn -B -q -pl rest-api -am install -DskipTests
exec mvn -B -pl rest-api verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=EndpointFuzzIT \
    -Djqwik.tries.default="$tries"
