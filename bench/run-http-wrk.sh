#!/usr/bin/env bash
# Drives `vigil serve` from a separate process with wrk (Debian package `wrk`): single-event
# requests and NDJSON batches of 1,000 against the replay benchmark's rule. Options:
#   JOURNAL=--no-journal   run the server without the journal
#   SECONDS_PER_RUN=10     how long each wrk run lasts
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
./vigil --help >/dev/null
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/rules/bench"
cp bench/src/main/resources/dev/vigil/bench/w1.drl "$work/rules/bench/bench.drl"
export TOKEN=wrk-bench-token
VIGIL_ADMIN_TOKEN=$TOKEN java -Xms1g -Xmx1g -jar rest-api/target/vigil.jar serve --port 18765 \
    --data "$work/data" --rules "$work/rules" ${JOURNAL:-} > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do grep -q "listening" "$work/server.log" && break; sleep 0.5; done
secs=${SECONDS_PER_RUN:-10}
processed() {
    curl -s http://127.0.0.1:18765/metrics | awk '/^vigil_events_processed_total\{ruleset="bench"\}/ {print int($2)}'
}
run() {
    local before after
    before=$(processed)
    wrk "$@" http://127.0.0.1:18765/ | grep -E "Latency|requests/s"
    after=$(processed)
    echo "  events processed by the rules during the run: $(( (after - before) / secs ))/s"
}
run -t2 -c16 -d"${secs}s" -s bench/wrk/single-event.lua
run -t1 -c1 -d"${secs}s" --timeout 30s -s bench/wrk/ndjson.lua
