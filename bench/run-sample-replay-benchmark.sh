#!/usr/bin/env bash
# The sample rule sets over a month of generated traffic, as a user runs them: the whole
# `vigil replay` process, timed from start to exit, and its live heap (after a full collection,
# forced every few seconds in a second run of the same replay, so that the timed run is not slowed).
#
#   bench/run-sample-replay-benchmark.sh [fraud|monitoring|both] [cards=5000] [days=35] [hosts=20] [before=COMMIT] [floor]
#
# fraud: `cards` cards over `days` days (seed 11); monitoring: `hosts` hosts and one service over
# 10 days (seed 11), a reading a minute and a heartbeat every 30 s per host, a request every 2 s.
# before=COMMIT adds a run of the rule folder as it was at that commit (f9c90eb: the rules before
# profiles), beside the current one. floor adds a run of the same folder with its rules taken
# out (the declared types and functions of its DRL files stay; its rule-language files go): Vigil
# starting, compiling, reading, sorting and inserting the same events into a session of the same
# types with nothing to match, the least any rule set over these events can take.
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:-both}"
shift || true
before=""
floor=""
cards=5000
days=35
hosts=20
for arg in "$@"; do
    case "$arg" in
        before=*) before="${arg#before=}" ;;
        floor) floor=yes ;;
        cards=*) cards="${arg#cards=}" ;;
        days=*) days="${arg#days=}" ;;
        hosts=*) hosts="${arg#hosts=}" ;;
        *) echo "unknown setting $arg" >&2; exit 2 ;;
    esac
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
./vigil --version >/dev/null
samples/run --help >/dev/null

# Runs one replay twice: timed, then with the live heap sampled. Prints a line of figures.
replay() {
    local label="$1" rules="$2" events="$3"
    local n
    n=$(wc -l < "$events")
    local start end
    start=$(date +%s.%N)
    VIGIL_JAVA_OPTS="-XX:+UseParallelGC -Xms1g -Xmx4g" ./vigil replay --rules "$rules" --events "$events" \
        --out "$work/alerts.ndjson" --rule-timeout 1h 2> "$work/summary.txt" || { cat "$work/summary.txt" >&2; return 1; }
    end=$(date +%s.%N)
    local alerts seconds
    alerts=$(wc -l < "$work/alerts.ndjson")
    seconds=$(echo "$end - $start" | bc -l)
    VIGIL_JAVA_OPTS="-XX:+UseParallelGC -Xms1g -Xmx4g -Xlog:gc:file=$work/gc.log" ./vigil replay --rules "$rules" --events "$events" \
        --out /dev/null --rule-timeout 1h 2> /dev/null &
    # The launcher execs the JVM: the process started is the JVM.
    local jvm=$!
    local samples=""
    while kill -0 "$jvm" 2> /dev/null; do
        sleep 3
        jcmd "$jvm" GC.run > /dev/null 2>&1 || true
    done
    wait "$jvm" || true
    # Each full collection logs "Pause Full (Diagnostic Command) 812M->143M(1004M)": the live heap is after the arrow.
    samples=$(grep -o 'Pause Full ([^)]*) [0-9]*M->[0-9]*M' "$work/gc.log" | sed 's/.*->\([0-9]*\)M/\1/' | paste -sd, - || true)
    printf '| %s | %s | %.1f | %s | %s | %s |\n' "$label" "$n" "$seconds" "$(echo "$n / $seconds" | bc)" "$alerts" "$samples"
}

# The folder $1 with its rules taken out, as $2: rule ... end blocks dropped from each DRL file.
types_only() {
    mkdir -p "$2"
    for drl in "$1"/*.drl; do
        awk '/^rule / { skip = 1 } !skip { print } skip && /^end/ { skip = 0 }' "$drl" > "$2/$(basename "$drl")"
    done
    if [ -f "$1/settings.yaml" ]; then cp "$1/settings.yaml" "$2/"; fi
}

echo "| run | events | whole process (s) | events/s | alerts | live heap after each forced full GC, every 3 s (MB) |"
echo "|---|---:|---:|---:|---:|---|"
if [ "$which" = fraud ] || [ "$which" = both ]; then
    samples/run fraud generate --customers "$cards" --days "$days" --seed 11 --out "$work/fraud" > /dev/null 2>&1
    if [ -n "$before" ]; then
        git archive "$before" rules/fraud | tar -x -C "$work" && mv "$work/rules/fraud" "$work/fraud-before"
        replay "fraud, rules of $before" "$work/fraud-before" "$work/fraud/events.ndjson"
    fi
    replay "fraud" rules/fraud "$work/fraud/events.ndjson"
    if [ -n "$floor" ]; then
        types_only rules/fraud "$work/fraud-floor"
        replay "fraud, its types without rules (the floor)" "$work/fraud-floor" "$work/fraud/events.ndjson"
    fi
fi
if [ "$which" = monitoring ] || [ "$which" = both ]; then
    samples/run monitoring generate --seed 11 --hosts "$hosts" --services 1 --days 10 --out "$work/monitoring" > /dev/null 2>&1
    if [ -n "$before" ]; then
        git archive "$before" rules/monitoring | tar -x -C "$work" && mv "$work/rules/monitoring" "$work/monitoring-before"
        replay "monitoring, rules of $before" "$work/monitoring-before" "$work/monitoring/events.ndjson"
    fi
    replay "monitoring" rules/monitoring "$work/monitoring/events.ndjson"
    if [ -n "$floor" ]; then
        types_only rules/monitoring "$work/monitoring-floor"
        replay "monitoring, its types without rules (the floor)" "$work/monitoring-floor" "$work/monitoring/events.ndjson"
    fi
fi
