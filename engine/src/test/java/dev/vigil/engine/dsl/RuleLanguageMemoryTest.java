package dev.vigil.engine.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.engine.RuleHarness;
import dev.vigil.engine.api.EventType;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.engine.ruleset.RuleSetCompiler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each pattern of the rule language on its own over a long stream: the event type's retention is
 * the one the pattern's window implies, and the events in working memory stay bounded by it,
 * however long the stream runs.
 *
 * <p>Drools keeps an event type's events as long as its longest use, so each pattern gets a rule
 * set of its own: together, the longest window would hide a pattern that kept events too long.
 * Windows are seconds and events 1 ms apart, so every timer falls on an event's time, and the
 * events mostly satisfy the pattern's first step, the worst case for memory.
 *
 * <p>Every pattern runs 100,000 events, a hundred of its one-second windows (fifteen of the minute
 * windows below), ten samples past the first window: enough to see memory level off and stay there,
 * in under half a minute of one core in all. So that the two cores share them, the patterns over one window (match, count, aggregate, distinct, spike)
 * run here and those that relate events across time in {@link RuleLanguageTemporalMemoryTest},
 * which the build runs in its other JVM. Match, new-value and change keep a minute (their
 * trigger's window), so their events come 10 ms apart: thirty-three minutes. Slow: both run in
 * {@code mvn verify}, not in {@code mvn test}.
 */
@Tag("slow")
class RuleLanguageMemoryTest {
    private static final Set<String> OVER_ONE_WINDOW = Set.of("match", "count", "aggregate", "distinct", "spike");

    private static final String TYPES = """
            package mem;
            declare Reading @role(event) @timestamp(time)
                id : String  time : long  host : String  value : double  status : String  terminal : String
            end
            """;
    private static final int SAMPLES = 20;
    /** Events the expiry timers have not removed yet, and the few of the quiet hosts that flatline keeps apart. */
    private static final long SLACK = 100;

    /** Sets the fields of the {@code i}th event that a pattern's stream needs. */
    interface Events {
        void shape(int i, Random random, ObjectNode event);
    }

    /**
     * A pattern and its stream.
     *
     * @param retention what the generated DRL implies: the window; a millisecond more where a
     *                  bounded {@code after} or a temporal {@code not} keeps the earlier event
     *                  until its range has passed; for new-value and change, their memory and the
     *                  minute their trigger's window keeps on top of it
     * @param events    how many events
     * @param spacingMs the time between two events
     * @param hosts     the keys the events go round
     * @param shape     how its events differ from the usual "a steady value, ok, one terminal"
     */
    record Case(String name, String when, Duration retention, int events, long spacingMs, int hosts, Events shape) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> patterns() {
        var second = Duration.ofSeconds(1);
        var afterRange = second.plusMillis(1);
        var minute = Duration.ofMinutes(1);
        var memory = Duration.ofSeconds(5);
        int events = 100_000;
        return Stream.of(
                new Case("match", "{pattern: match, event: Reading, where: value > 0, per: host}", minute, events, 10, 100, (i, r, e) -> {
                }),
                new Case("count", "{pattern: count, event: Reading, where: value > 0, per: host, count: \"> 5\", within: 1s}", second, events, 1,
                        100, (i, r, e) -> {
                        }),
                new Case("aggregate", "{pattern: aggregate, event: Reading, per: host, aggregate: sum(value) > 500, within: 1s}", second, events,
                        1, 100, (i, r, e) -> e.put("value", 40 + r.nextInt(21))),
                new Case("distinct", "{pattern: distinct, event: Reading, per: host, field: terminal, count: \">= 3\", within: 1s}", second,
                        events, 1, 100, (i, r, e) -> e.put("terminal", "t" + r.nextInt(4))),
                new Case("sequence", """
                        {pattern: sequence, per: host, within: 1s, steps: [{event: Reading, where: status == "warn"},
                          {event: Reading, where: status == "down"}]}""", afterRange, events, 1, 100,
                        (i, r, e) -> e.put("status", r.nextInt(100) == 0 ? "down" : "warn")),
                new Case("absence", """
                        {pattern: absence, event: Reading, where: status == "warn", per: host, within: 1s,
                          missing: {event: Reading, where: status == "down"}}""", afterRange, events, 1, 100,
                        (i, r, e) -> e.put("status", r.nextInt(100) == 0 ? "down" : "warn")),
                // A few quiet hosts fall silent for seconds between their events.
                new Case("flatline", "{pattern: flatline, event: Reading, per: host, for: 1s}", afterRange, events, 1, 100, (i, r, e) -> {
                    if (r.nextInt(1000) == 0) {
                        e.put("host", "quiet" + r.nextInt(10));
                    }
                }),
                // A run breaks at one event in a hundred: a host's runs last ten seconds on average. The
                // breach before a run's start is kept until the run has lasted: twice the duration.
                new Case("sustained", "{pattern: sustained, event: Reading, per: host, condition: value > 20, for: 1s}",
                        second.multipliedBy(2).plusMillis(1), events, 1, 100, (i, r, e) -> e.put("value", r.nextInt(100) == 0 ? 10 : 50)),
                // Half a second of high values every ten seconds.
                new Case("spike", "{pattern: spike, event: Reading, per: host, field: value, within: 1s, baseline: 3s, factor: 1.5}",
                        Duration.ofSeconds(4), events, 1, 100, (i, r, e) -> e.put("value", i % 10_000 >= 9_500 ? 200 : 50)),
                new Case("new-value", "{pattern: new-value, event: Reading, per: host, field: terminal, within: 5s}", memory.plus(minute),
                        events, 10, 100, (i, r, e) -> e.put("terminal", "t" + r.nextInt(8))),
                new Case("change", "{pattern: change, event: Reading, per: host, field: status, within: 5s}", memory.plus(minute), events, 10,
                        100, (i, r, e) -> e.put("status", r.nextInt(3) == 0 ? "warn" : "ok")));
    }

    static Stream<Case> overOneWindow() {
        return patterns().filter(c -> OVER_ONE_WINDOW.contains(c.name()));
    }

    static Stream<Case> acrossTime() {
        return patterns().filter(c -> !OVER_ONE_WINDOW.contains(c.name()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overOneWindow")
    void longStream_keepsMemoryBoundedByThePatternsOwnWindow(Case pattern) {
        check(pattern);
    }

    /** Runs {@code pattern}'s stream and checks its retention and working memory. */
    static void check(Case pattern) {
        // Suppressed for longer than the run: each firing costs the rule, not a stored alert.
        var files = Map.of("types.drl", TYPES, "r.rule.yaml", "rule: " + pattern.name() + "\nwhen: " + pattern.when().replace("\n", " ")
                + "\nthen: {message: fired, suppress: 1d}\n");
        try (var compiled = new RuleSetCompiler().compile(RuleSetSource.of("mem", files))) {
            assertThat(compiled.eventTypes()).extracting(EventType::retention).as("retention of Reading").containsExactly(pattern.retention());
        }
        long retained = pattern.retention().toMillis() / pattern.spacingMs();
        int sampleEvery = pattern.events() / SAMPLES;
        var random = new Random(5);
        var samples = new ArrayList<Long>();
        try (var h = RuleHarness.of(files)) {
            var decoder = h.runner().decoder();
            var event = RuleHarness.JSON.createObjectNode();
            long t0 = RuleHarness.T0.toEpochMilli();
            for (int i = 0; i < pattern.events(); i++) {
                event.put("type", "Reading").put("id", "r" + i).put("time", t0 + i * pattern.spacingMs()).put("host", "h" + i % pattern.hosts())
                        .put("value", 50).put("status", "ok").put("terminal", "t0");
                pattern.shape().shape(i, random, event);
                h.runner().accept(decoder.decode(event, i));
                // Once the first retention has passed, working memory is as full as it gets.
                if (i % sampleEvery == sampleEvery - 1 && i > retained) {
                    samples.add(h.stats().factCount());
                }
            }
            var stats = h.stats();
            assertThat(stats.eventsProcessed()).isEqualTo(pattern.events());
            assertThat(stats.ruleErrors()).isZero();
            assertThat(stats.alertsPerRule()).as("the pattern fired").containsKey(pattern.name());
        }
        long bound = retained + SLACK;
        assertThat(samples).as("facts along the run, at most %d", bound).hasSizeGreaterThan(SAMPLES / 2)
                .allSatisfy(facts -> assertThat(facts).isLessThanOrEqualTo(bound));
        long middle = samples.get(samples.size() / 2);
        assertThat(samples.get(samples.size() - 1)).as("no growth from the middle of the stream to its end, %s", samples)
                .isLessThanOrEqualTo(middle + SLACK);
    }
}
