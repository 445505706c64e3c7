package dev.vigil.engine.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.engine.RuleHarness;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.Partitioning;
import dev.vigil.engine.api.RuleSetSettings;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.engine.ruleset.RuleSetCompiler;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The rule language's patterns that hold a key's history as profile buckets (baseline, and
 * new-value over more than an hour) through the real engine on a pseudo clock. The harness starts
 * at 10:00 UTC, so a UTC day's bucket ends at 14:00 of the harness' day and an hour's at :59:59.999.
 */
class RuleLanguageProfilesTest {
    private static final String TYPES = """
            package ops;
            declare Tx @role(event) @timestamp(time)
                id : String  time : long  card : String  terminal : String  amount : double
            end
            declare Reading @role(event) @timestamp(time)
                id : String  time : long  host : String  value : double
            end
            """;

    private static RuleHarness rules(String yaml) {
        return RuleHarness.of(Map.of("types.drl", TYPES, "r.rule.yaml", yaml));
    }

    /** {@code h:mm:ss} of day {@code day} after the harness' start. */
    private static String day(int day, String time) {
        var parts = time.split(":");
        return (day * 24 + Integer.parseInt(parts[0])) + ":" + parts[1] + ":" + parts[2];
    }

    private static void tx(RuleHarness h, String at, String card, String terminal, double amount) {
        h.send("Tx", at, "card", card, "terminal", terminal, "amount", amount);
    }

    @Nested
    class Baseline {
        private static final String ABOVE_USUAL = """
                rule: above usual
                when:
                  pattern: baseline
                  event: Tx
                  where: amount > 0
                  per: card
                  field: amount
                  history: 30d
                  skip: 1d
                  minHistory: 1
                  condition: amount > 2 * max
                then:
                  message: "{card}: {amount} over twice its highest {max} of {count}"
                """;

        @Test
        void anEvent_isJudgedByTheKeysHistory_withoutItselfAndWithoutOtherKeys() {
            try (var h = rules(ABOVE_USUAL.replace("  skip: 1d\n", ""))) {
                tx(h, day(0, "0:00:00"), "c1", "T1", 10);
                tx(h, day(0, "0:10:00"), "c2", "T1", 1);
                tx(h, day(0, "0:20:00"), "c1", "T1", 20);
                tx(h, day(0, "0:30:00"), "c1", "T1", 40.01);
                h.finish();

                assertThat(h.alerts()).singleElement().satisfies(a -> {
                    assertThat(a.message()).isEqualTo("c1: 40.01 over twice its highest 20 of 2");
                    assertThat(a.key()).isEqualTo("c1");
                    assertThat(a.attributes()).containsEntry("count", 2L).containsEntry("mean", 15.0).containsEntry("p50", 15.0);
                });
                assertThat(h.errors()).isEmpty();
            }
        }

        @Test
        void everyEventOfAKey_firstIncluded_isJudgedWithoutItself() {
            try (var h = rules(ABOVE_USUAL.replace("  skip: 1d\n", "").replace("amount > 2 * max", "count >= 1"))) {
                tx(h, day(0, "0:00:00"), "c1", "T1", 10);
                tx(h, day(0, "0:01:00"), "c1", "T1", 10);
                tx(h, day(0, "0:02:00"), "c1", "T1", 10);
                h.finish();
                assertThat(h.alerts()).extracting(a -> a.attributes().get("count")).containsExactly(1L, 2L);
            }
        }

        @Test
        void skip_leavesOutTheEventsBucket_butNotTheOneBefore() {
            try (var h = rules(ABOVE_USUAL)) {
                tx(h, day(0, "0:00:00"), "c1", "T1", 10);
                tx(h, day(0, "13:59:59.999"), "c1", "T1", 25);
                h.finish();
                assertThat(h.alerts()).as("the same UTC day: skipped, so no baseline yet").isEmpty();
            }
            try (var h = rules(ABOVE_USUAL)) {
                tx(h, day(0, "0:00:00"), "c1", "T1", 10);
                tx(h, day(0, "14:00:00"), "c1", "T1", 25);
                h.finish();
                assertThat(h.alerts()).extracting(Alert::message).containsExactly("c1: 25 over twice its highest 10 of 1");
            }
        }

        @Test
        void history_keepsThirtyDailyBuckets_theOldestLeavingAtItsUtcMidnight() {
            try (var h = rules(ABOVE_USUAL)) {
                tx(h, day(0, "0:00:00"), "c1", "T1", 10);
                tx(h, day(29, "13:59:59.999"), "c1", "T1", 25);
                h.finish();
                assertThat(h.alerts()).as("day 0's bucket is the 30th of the history").hasSize(1);
            }
            try (var h = rules(ABOVE_USUAL)) {
                tx(h, day(0, "0:00:00"), "c1", "T1", 10);
                tx(h, day(29, "14:00:00"), "c1", "T1", 25);
                h.finish();
                assertThat(h.alerts()).as("day 0's bucket has left the history").isEmpty();
            }
        }

        @Test
        void minHistory_judgesOnlyWithThatManyValues() {
            try (var h = rules(ABOVE_USUAL.replace("minHistory: 1", "minHistory: 3"))) {
                tx(h, day(0, "0:00:00"), "c1", "T1", 10);
                tx(h, day(0, "0:01:00"), "c1", "T1", 10);
                tx(h, day(1, "0:00:00"), "c1", "T1", 50);
                tx(h, day(1, "0:01:00"), "c1", "T1", 10);
                tx(h, day(2, "0:00:00"), "c1", "T1", 101);
                h.finish();
                assertThat(h.alerts()).as("two values did not judge the 50; four judge the 101").extracting(Alert::message)
                        .containsExactly("c1: 101 over twice its highest 50 of 4");
            }
        }

        @Test
        void seasonalDaily_readsTheSameHourOfTheDaysBefore_notTheNextHour() {
            var yaml = """
                    rule: hot for the hour
                    when:
                      pattern: baseline
                      event: Reading
                      per: host
                      field: value
                      history: 7d
                      seasonal: daily
                      minHistory: 2
                      condition: value > 2 * max
                    then:
                      message: "{host}: {value} against {max} at this hour"
                    """;
            try (var h = rules(yaml)) {
                for (int d = 0; d < 2; d++) {
                    h.send("Reading", day(d, "0:30:00"), "host", "h1", "value", 10.0);
                    h.send("Reading", day(d, "1:30:00"), "host", "h1", "value", 100.0);
                }
                h.send("Reading", day(2, "0:59:59.999"), "host", "h1", "value", 30.0);
                h.send("Reading", day(2, "1:00:00"), "host", "h1", "value", 30.0);
                h.finish();

                assertThat(h.alerts()).extracting(Alert::message).containsExactly("h1: 30 against 10 at this hour");
            }
        }

        @Test
        void memory_staysOneProfilePerKey_throughFortyDaysOnAThirtyDayHistory() {
            try (var h = rules(ABOVE_USUAL)) {
                var counts = new ArrayList<Long>();
                for (int d = 0; d < 40; d++) {
                    for (int card = 0; card < 20; card++) {
                        tx(h, day(d, String.format(Locale.ROOT, "1:%02d:00", card)), "c" + card, "T1", 10);
                    }
                    h.advanceTo(day(d, "2:00:00"));
                    counts.add(h.stats().factCount());
                }

                assertThat(counts).as("20 profiles and the round's sweep a day, the payments gone with their trigger minute").containsOnly(21L);
                assertThat(h.alerts()).isEmpty();
            }
        }

        @Test
        void anIdleKeysProfile_isForgottenOnceIdleForItsHistory() {
            try (var h = rules(ABOVE_USUAL)) {
                tx(h, day(0, "0:00:00"), "c1", "T1", 10);
                h.advanceTo(day(29, "0:00:00"));
                assertThat(h.stats().factCount()).as("the profile and the round's sweep").isEqualTo(2);
                h.advanceTo(day(31, "0:00:00"));
                assertThat(h.stats().factCount()).as("idle for 30 days, found on the daily round; the sweep stays").isEqualTo(1);
            }
        }

        @Test
        void rulesOfTwoFilesOnTheSameHistory_shareOneProfile() {
            var other = ABOVE_USUAL.replace("rule: above usual", "rule: far above usual").replace("2 * max", "3 * max");
            try (var h = RuleHarness.of(Map.of("types.drl", TYPES, "a.rule.yaml", ABOVE_USUAL, "b.rule.yaml", other))) {
                tx(h, day(0, "0:00:00"), "c1", "T1", 10);
                tx(h, day(1, "0:00:00"), "c1", "T1", 31);
                h.finish();

                assertThat(h.alerts()).extracting(Alert::rule).containsExactlyInAnyOrder("above usual", "far above usual");
                assertThat(h.stats().factCount()).as("one profile, its round's sweep, one payment in its trigger minute").isEqualTo(3);
            }
        }

        @Test
        void partitionsWithoutAKey_takeItFromTheBaselinesPer() {
            var source = new RuleSetSource("ops", Map.of("types.drl", TYPES, "r.rule.yaml", ABOVE_USUAL),
                    RuleSetSettings.DEFAULTS.withPartitioning(Partitioning.NONE.withPartitions(2)));
            try (var compiled = new RuleSetCompiler().compile(source)) {
                assertThat(compiled.partitioning()).isEqualTo(new Partitioning(Map.of("Tx", "card"), null, 2, false));
            }
        }
    }

    @Nested
    class NewValueOverAMonth {
        private static final String NEW_TERMINAL = """
                rule: new terminal
                when: {pattern: new-value, event: Tx, per: card, field: terminal, within: 30d}
                then: {message: "{card} at {value}"}
                """;

        @Test
        void aValueSeenInTheWindow_isNotNew_anotherIs() {
            try (var h = rules(NEW_TERMINAL)) {
                tx(h, day(0, "0:00:00"), "c1", "T1", 10);
                tx(h, day(3, "0:00:00"), "c1", "T1", 10);
                tx(h, day(4, "0:00:00"), "c1", "T2", 10);
                tx(h, day(4, "0:01:00"), "c1", "T2", 10);
                h.finish();

                assertThat(h.alerts()).extracting(Alert::message).as("the card's first event has nothing to be new against")
                        .containsExactly("c1 at T2");
            }
        }

        @Test
        void theWindowStartsAtABucketBoundary_sixtyTwelveHourBuckets() {
            // T1 falls in the bucket from 00:00 UTC of day 0; the 60th bucket after it starts at 00:00 UTC of day 30 (day 29, 14:00 here).
            try (var h = rules(NEW_TERMINAL)) {
                tx(h, day(0, "0:00:00"), "c1", "T1", 10);
                tx(h, day(20, "0:00:00"), "c1", "T2", 10);
                tx(h, day(29, "13:59:59.999"), "c1", "T1", 10);
                h.finish();
                assertThat(h.alerts()).extracting(Alert::message).containsExactly("c1 at T2");
            }
            try (var h = rules(NEW_TERMINAL)) {
                tx(h, day(0, "0:00:00"), "c1", "T1", 10);
                tx(h, day(20, "0:00:00"), "c1", "T2", 10);
                tx(h, day(29, "14:00:00"), "c1", "T1", 10);
                h.finish();
                assertThat(h.alerts()).extracting(Alert::message).containsExactly("c1 at T2", "c1 at T1");
            }
        }

        @Test
        void memory_staysOneProfilePerKey_throughFortyDays() {
            try (var h = rules(NEW_TERMINAL)) {
                var counts = new ArrayList<Long>();
                for (int d = 0; d < 40; d++) {
                    for (int card = 0; card < 20; card++) {
                        tx(h, day(d, String.format(Locale.ROOT, "1:%02d:00", card)), "c" + card, "T" + d % 3, 10);
                    }
                    h.advanceTo(day(d, "2:00:00"));
                    counts.add(h.stats().factCount());
                }
                assertThat(counts).as("20 profiles and the round's sweep").containsOnly(21L);
            }
        }
    }

    /**
     * Count, aggregate and distinct over more than an hour: the window is the event's bucket and
     * those before it, so it starts at the first bucket boundary after {@code within} before the
     * event, and an event leaves it when its bucket does (up to a bucket before a raw window's end).
     */
    @Nested
    class LongWindows {
        @Test
        void count_overADay_countsAnEventUntilItsBucketLeaves() {
            var yaml = """
                    rule: busy card
                    when: {pattern: count, event: Tx, per: card, count: "> 2", within: 1d}
                    then: {message: "{card}: {count} in a day"}
                    """;
            // 24-minute buckets; the first event, at 10:12 UTC, is in the bucket from 10:00, which leaves at 10:00 the next day.
            try (var h = rules(yaml)) {
                tx(h, day(0, "0:12:00"), "c1", "T1", 1);
                tx(h, day(0, "1:00:00"), "c1", "T1", 1);
                tx(h, day(0, "23:59:59.999"), "c1", "T1", 1);
                h.finish();
                assertThat(h.alerts()).singleElement().satisfies(a -> {
                    assertThat(a.message()).isEqualTo("c1: 3 in a day");
                    assertThat(a.attributes()).containsEntry("count", 3L);
                    assertThat(a.evidence()).as("the trigger, not the window's events").hasSize(1);
                });
            }
            try (var h = rules(yaml)) {
                tx(h, day(0, "0:12:00"), "c1", "T1", 1);
                tx(h, day(0, "1:00:00"), "c1", "T1", 1);
                tx(h, day(1, "0:00:00"), "c1", "T1", 1);
                h.finish();
                assertThat(h.alerts()).isEmpty();
            }
        }

        @Test
        void aggregate_sumOverTwoHours_twoMinuteBuckets() {
            var yaml = """
                    rule: spend
                    when: {pattern: aggregate, event: Tx, per: card, aggregate: sum(amount) > 100, within: 2h}
                    then: {message: "{card} spent {sum} in {count}"}
                    """;
            try (var h = rules(yaml)) {
                tx(h, "0:00:30", "c1", "T1", 60);
                tx(h, "1:59:59.999", "c1", "T1", 50);
                h.finish();
                assertThat(h.alerts()).extracting(Alert::message).containsExactly("c1 spent 110 in 2");
            }
            try (var h = rules(yaml)) {
                tx(h, "0:00:30", "c1", "T1", 60);
                tx(h, "2:00:00", "c1", "T1", 50);
                h.finish();
                assertThat(h.alerts()).as("the bucket from 10:00 left at 12:00, half a minute before a raw window would drop it").isEmpty();
            }
        }

        @Test
        void distinct_overADay_countsTheKeysValues() {
            var yaml = """
                    rule: many terminals
                    when: {pattern: distinct, event: Tx, per: card, field: terminal, count: ">= 2", within: 1d}
                    then: {message: "{card} at {count} terminals: {values}"}
                    """;
            try (var h = rules(yaml)) {
                tx(h, day(0, "0:12:00"), "c1", "T2", 1);
                tx(h, day(0, "1:00:00"), "c1", "T2", 1);
                tx(h, day(0, "23:59:59.999"), "c1", "T1", 1);
                h.finish();
                assertThat(h.alerts()).extracting(Alert::message).containsExactly("c1 at 2 terminals: [T1, T2]");
            }
            try (var h = rules(yaml)) {
                tx(h, day(0, "0:12:00"), "c1", "T1", 1);
                tx(h, day(1, "0:00:00"), "c1", "T2", 1);
                h.finish();
                assertThat(h.alerts()).isEmpty();
            }
        }

        @Test
        void memory_staysOneProfilePerKey_throughFortyDaysOnAThirtyDayWindow() {
            var yaml = """
                    rule: busy month
                    when: {pattern: count, event: Tx, per: card, count: "> 1000", within: 30d}
                    """;
            try (var h = rules(yaml)) {
                var counts = new ArrayList<Long>();
                for (int d = 0; d < 40; d++) {
                    for (int card = 0; card < 20; card++) {
                        tx(h, day(d, String.format(Locale.ROOT, "1:%02d:00", card)), "c" + card, "T1", 10);
                    }
                    h.advanceTo(day(d, "2:00:00"));
                    counts.add(h.stats().factCount());
                }
                assertThat(counts).as("20 profiles and the round's sweep").containsOnly(21L);
            }
        }
    }
}
