package dev.vigil.engine.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.engine.RuleHarness;
import dev.vigil.engine.event.EventType;
import dev.vigil.engine.ruleset.RuleSetCompiler;
import dev.vigil.engine.ruleset.RuleSetSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every pattern of the rule language, together in one rule set, over a million events: the
 * events in working memory stay bounded by the longest window, however long the stream runs.
 */
class RuleLanguageMemoryTest {
    private static final String TYPES = """
            package mem;
            declare Reading @role(event) @timestamp(time)
                id : String  time : long  host : String  value : double  status : String  terminal : String
            end
            """;
    private static final String RULES = """
            rule: match
            when: {pattern: match, event: Reading, where: value > 99.9, per: host}
            ---
            rule: count
            when: {pattern: count, event: Reading, where: value > 50, per: host, count: "> 4", within: 10m}
            ---
            rule: aggregate
            when: {pattern: aggregate, event: Reading, per: host, aggregate: avg(value) > 75, within: 10m}
            ---
            rule: distinct
            when: {pattern: distinct, event: Reading, per: host, field: terminal, count: ">= 3", within: 10m}
            ---
            rule: sequence
            when:
              pattern: sequence
              per: host
              within: 10m
              steps:
                - {event: Reading, where: status == "warn"}
                - {event: Reading, where: status == "down"}
            ---
            rule: absence
            when: {pattern: absence, event: Reading, where: status == "warn", per: host, within: 10m, missing: {event: Reading, where: status == "down"}}
            ---
            rule: flatline
            when: {pattern: flatline, event: Reading, where: status == "down", per: host, for: 5m}
            ---
            rule: sustained
            when: {pattern: sustained, event: Reading, per: host, condition: value > 20, for: 3m}
            ---
            rule: spike
            when: {pattern: spike, event: Reading, per: host, field: value, within: 3m, baseline: 7m, factor: 1.8}
            ---
            rule: new-value
            when: {pattern: new-value, event: Reading, per: host, field: terminal, within: 10m}
            ---
            rule: change
            when: {pattern: change, event: Reading, per: host, field: status, within: 10m}
            """;
    private static final int EVENTS = 1_000_000;
    private static final int HOSTS = 10_000;
    private static final long SPACING_MS = 10;

    @Test
    void millionEvents_throughEveryPattern_keepMemoryBoundedByTheLongestWindow() {
        var source = RuleSetSource.of("mem", Map.of("types.drl", TYPES, "all.rule.yaml", RULES));
        try (var compiled = new RuleSetCompiler().compile(source)) {
            assertThat(compiled.rules()).hasSize(11);
            var retention = compiled.eventTypes().stream().map(EventType::retention).findFirst().orElseThrow();
            // The longest use: the new value's and the change's memory of 10 minutes, and the minute of their trigger.
            assertThat(retention).isNotNull().isLessThanOrEqualTo(Duration.ofMinutes(11).plusMillis(1));
        }
        // Events arrive every 10 ms, so a window of 11 minutes holds 66,000 of them.
        long bound = Duration.ofMinutes(11).toMillis() / SPACING_MS + 1_000;
        var random = new Random(5);
        var samples = new ArrayList<Long>();
        try (var h = RuleHarness.of(Map.of("types.drl", TYPES, "all.rule.yaml", RULES))) {
            var decoder = h.runner().decoder();
            var event = RuleHarness.JSON.createObjectNode();
            long t0 = RuleHarness.T0.toEpochMilli();
            for (int i = 0; i < EVENTS; i++) {
                // Mostly quiet: a steady value, "ok", one of two usual terminals; now and then something to fire on.
                double roll = random.nextDouble();
                event.put("type", "Reading").put("id", "r" + i).put("time", t0 + i * SPACING_MS).put("host", "h" + i % HOSTS)
                        .put("value", roll < 0.01 ? 99.95 : 40 + 10 * random.nextGaussian())
                        .put("status", roll < 0.02 ? "warn" : roll < 0.04 ? "down" : "ok")
                        .put("terminal", "t" + (roll > 0.99 ? random.nextInt(12) : i % HOSTS % 2));
                h.runner().accept(decoder.decode(event, i));
                if (i % 50_000 == 49_999) {
                    samples.add(h.stats().factCount());
                }
            }
            var stats = h.stats();
            assertThat(stats.eventsProcessed()).isEqualTo(EVENTS);
            assertThat(stats.ruleErrors()).isZero();
            assertThat(stats.alertsPerRule().keySet()).as("every pattern fired somewhere").hasSize(11);
        }
        // After the first 15 minutes of event time (90,000 events) every window is full. Each of the
        // 10,000 hosts has an event every 100 s: a handful per window, as in a real fleet.
        var steady = samples.subList(2, samples.size());
        assertThat(steady).allSatisfy(facts -> assertThat(facts).isLessThanOrEqualTo(bound));
        long middle = steady.get(steady.size() / 2);
        assertThat(steady.get(steady.size() - 1)).as("no growth from the middle of the stream to its end, %s", samples)
                .isLessThanOrEqualTo(middle + middle / 20);
    }
}
