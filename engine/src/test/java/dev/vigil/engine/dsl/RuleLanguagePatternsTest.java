package dev.vigil.engine.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vigil.engine.RuleHarness;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.AlertContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Each pattern of the rule language through the real engine on a pseudo clock, stepping both
 * sides of every boundary its README promises.
 */
class RuleLanguagePatternsTest {
    private static final String TYPES = """
            package ops;
            declare Tx @role(event) @timestamp(time)
                id : String  time : long  card : String  terminal : String  amount : double  status : String
            end
            declare Order @role(event) @timestamp(time)
                id : String  time : long  orderId : String  amount : double
            end
            declare Payment @role(event) @timestamp(time)
                id : String  time : long  orderId : String  amount : double
            end
            declare Reading @role(event) @timestamp(time)
                id : String  time : long  host : String  value : double  status : String
            end
            """;

    private static RuleHarness rules(String yaml) {
        return RuleHarness.of(Map.of("types.drl", TYPES, "r.rule.yaml", yaml));
    }

    private static void tx(RuleHarness h, String at, String card, String terminal, double amount) {
        h.send("Tx", at, "card", card, "terminal", terminal, "amount", amount, "status", "ok");
    }

    @Nested
    class Count {
        private static final String VELOCITY = """
                rule: velocity
                when: {pattern: count, event: Tx, where: amount > 0, per: card, count: "> 5", within: 1m}
                then: {message: "{card}: {count} in a minute"}
                """;

        @Test
        void fiveInAMinute_doNotFire_theSixthDoes() {
            try (var h = rules(VELOCITY)) {
                for (int i = 0; i < 5; i++) {
                    tx(h, "0:" + i * 10, "c1", "T", 1);
                }
                assertThat(h.alerts()).isEmpty();
                tx(h, "0:50", "c1", "T", 1);
                assertThat(h.alerts()).singleElement().satisfies(a -> {
                    assertThat(a.key()).isEqualTo("c1");
                    assertThat(a.message()).isEqualTo("c1: 6 in a minute");
                    assertThat(a.attributes()).containsEntry("count", 6L);
                    assertThat(a.eventTime()).isEqualTo(RuleHarness.at("0:50"));
                    assertThat(a.evidence()).as("the newest transaction").containsExactly("e6");
                    assertThat(a.context()).isEqualTo(new AlertContext(6, List.of("e2", "e3", "e4", "e5", "e6")));
                });
            }
        }

        @Test
        void anEventExactlyAWindowOld_isOut() {
            try (var h = rules(VELOCITY)) {
                for (int i = 0; i < 5; i++) {
                    tx(h, "0:" + i * 10, "c1", "T", 1);
                }
                tx(h, "1:00", "c1", "T", 1);
                assertThat(h.alerts()).isEmpty();
            }
            try (var h = rules(VELOCITY)) {
                for (int i = 0; i < 5; i++) {
                    tx(h, "0:" + i * 10, "c1", "T", 1);
                }
                tx(h, "0:59.999", "c1", "T", 1);
                assertThat(h.alerts()).hasSize(1);
            }
        }

        @Test
        void overTheThreshold_raisesOncePerWindowByDefault_andEveryTimeWithoutSuppression() {
            try (var h = rules(VELOCITY)) {
                for (int i = 0; i < 8; i++) {
                    tx(h, "0:" + (10 + i * 5), "c1", "T", 1);
                }
                assertThat(h.alerts()).hasSize(1);
            }
            try (var h = rules(VELOCITY.replace("in a minute\"}", "in a minute\", suppress: 0s}"))) {
                for (int i = 0; i < 8; i++) {
                    tx(h, "0:" + (10 + i * 5), "c1", "T", 1);
                }
                assertThat(h.alerts()).hasSize(3);
            }
        }

        @Test
        void otherKeysAndEventsFailingWhere_doNotCount() {
            try (var h = rules(VELOCITY)) {
                for (int i = 0; i < 5; i++) {
                    tx(h, "0:" + i * 10, "c1", "T", 1);
                }
                tx(h, "0:45", "c2", "T", 1);
                tx(h, "0:46", "c1", "T", 0);
                assertThat(h.alerts()).isEmpty();
            }
        }
    }

    @Test
    void aggregate_sumOverTheThreshold_fires_atAndBelowItDoesNot() {
        try (var h = rules("""
                rule: spend
                when: {pattern: aggregate, event: Tx, per: card, aggregate: sum(amount) > 100, within: 1h}
                then: {message: "{card} spent {sum} in {count}"}
                """)) {
            tx(h, "0:00", "c1", "T", 50);
            tx(h, "30:00", "c1", "T", 50);
            assertThat(h.alerts()).isEmpty();
            tx(h, "59:59", "c1", "T", 0.5);
            assertThat(h.alerts()).singleElement().extracting(Alert::message).isEqualTo("c1 spent 100.5 in 3");
        }
        try (var h = rules("rule: avg\nwhen: {pattern: aggregate, event: Tx, per: card, aggregate: avg(amount) >= 20, within: 1h}\n")) {
            tx(h, "0:00", "c1", "T", 10);
            tx(h, "1:00", "c1", "T", 29);
            assertThat(h.alerts()).isEmpty();
            tx(h, "2:00", "c1", "T", 21);
            assertThat(h.alerts()).hasSize(1);
        }
    }

    @Test
    void aggregate_maxAtTheThreshold_fires_justBelowItDoesNot() {
        var yaml = "rule: max\nwhen: {pattern: aggregate, event: Tx, per: card, aggregate: max(amount) >= 100, within: 1h}\n"
                + "then: {message: \"{card} max {max}\", suppress: 0s}\n";
        try (var h = rules(yaml)) {
            tx(h, "0:00", "c1", "T", 99.99);
            tx(h, "1:00", "c1", "T", 20);
            assertThat(h.alerts()).isEmpty();
            tx(h, "2:00", "c1", "T", 100);
            assertThat(h.alerts()).singleElement().extracting(Alert::message).isEqualTo("c1 max 100");
        }
    }

    @Test
    void aggregate_minAtTheThreshold_fires_justAboveItDoesNot() {
        var yaml = "rule: min\nwhen: {pattern: aggregate, event: Tx, per: card, aggregate: min(amount) <= 5, within: 1h}\n"
                + "then: {message: \"{card} min {min} of {count}\", suppress: 0s}\n";
        try (var h = rules(yaml)) {
            tx(h, "0:00", "c1", "T", 5.01);
            tx(h, "1:00", "c1", "T", 80);
            assertThat(h.alerts()).isEmpty();
            tx(h, "2:00", "c1", "T", 5);
            assertThat(h.alerts()).singleElement().extracting(Alert::message).isEqualTo("c1 min 5 of 3");
        }
    }

    @Test
    void aggregate_anEventExactlyAWindowOld_isOut_oneAMillisecondYoungerIsIn() {
        var yaml = "rule: spend\nwhen: {pattern: aggregate, event: Tx, per: card, aggregate: sum(amount) > 100, within: 1h}\n";
        try (var h = rules(yaml)) {
            tx(h, "0:00", "c1", "T", 60);
            tx(h, "1:00:00", "c1", "T", 50);
            assertThat(h.alerts()).isEmpty();
        }
        try (var h = rules(yaml)) {
            tx(h, "0:00", "c1", "T", 60);
            tx(h, "59:59.999", "c1", "T", 50);
            assertThat(h.alerts()).singleElement().satisfies(a -> assertThat(a.attributes()).containsEntry("sum", 110.0));
        }
        // The largest value leaves the window on time too: max falls back to what is left.
        var max = "rule: max\nwhen: {pattern: aggregate, event: Tx, per: card, aggregate: max(amount) >= 100, within: 1h}\n"
                + "then: {suppress: 0s}\n";
        try (var h = rules(max)) {
            tx(h, "0:00", "c1", "T", 100);
            tx(h, "59:59.999", "c1", "T", 1);
            tx(h, "1:00:00", "c1", "T", 1);
            assertThat(h.alerts()).extracting(Alert::eventTime).containsExactly(RuleHarness.at("0:00"), RuleHarness.at("59:59.999"));
        }
    }

    @Test
    void distinct_anEventExactlyAWindowOld_isOut_oneAMillisecondYoungerIsIn() {
        var yaml = "rule: terminals\nwhen: {pattern: distinct, event: Tx, per: card, field: terminal, count: \">= 3\", within: 10m}\n";
        try (var h = rules(yaml)) {
            tx(h, "0:00", "c1", "T1", 1);
            tx(h, "5:00", "c1", "T2", 1);
            tx(h, "10:00", "c1", "T3", 1);
            assertThat(h.alerts()).isEmpty();
        }
        try (var h = rules(yaml)) {
            tx(h, "0:00", "c1", "T1", 1);
            tx(h, "5:00", "c1", "T2", 1);
            tx(h, "9:59.999", "c1", "T3", 1);
            assertThat(h.alerts()).singleElement().satisfies(a -> assertThat(a.attributes()).containsEntry("count", 3));
        }
    }

    @Test
    void distinct_countsDifferentValuesOnly() {
        try (var h = rules("""
                rule: terminals
                when: {pattern: distinct, event: Tx, per: card, field: terminal, count: ">= 3", within: 10m}
                then: {message: "{card} at {count}: {values}"}
                """)) {
            tx(h, "0:00", "c1", "T2", 1);
            tx(h, "1:00", "c1", "T1", 1);
            tx(h, "2:00", "c1", "T1", 1);
            tx(h, "3:00", "c1", "T2", 1);
            assertThat(h.alerts()).isEmpty();
            tx(h, "4:00", "c1", "T3", 1);
            assertThat(h.alerts()).singleElement().extracting(Alert::message).isEqualTo("c1 at 3: [T1, T2, T3]");
        }
    }

    @Nested
    class Sequence {
        private static final String SMALL_THEN_LARGE = """
                rule: small then large
                when:
                  pattern: sequence
                  per: card
                  within: 10m
                  steps:
                    - {event: Tx, where: amount < 5}
                    - {event: Tx, where: amount > 10 * first.amount}
                then: {message: "{first.amount} then {amount}"}
                """;

        @Test
        void stepsInOrderWithinTheTime_fire() {
            try (var h = rules(SMALL_THEN_LARGE)) {
                tx(h, "0:00", "c1", "T", 2);
                tx(h, "10:00", "c1", "T", 21);
                assertThat(h.alerts()).singleElement().extracting(Alert::message).isEqualTo("2 then 21");
            }
        }

        @Test
        void aSecondStepTooLate_outOfOrder_orFailingItsConditionOnTheFirst_doesNot() {
            try (var h = rules(SMALL_THEN_LARGE)) {
                tx(h, "0:00", "c1", "T", 2);
                tx(h, "10:00.001", "c1", "T", 21);
                tx(h, "20:00", "c1", "T", 100);
                tx(h, "20:01", "c1", "T", 3);
                tx(h, "25:00", "c1", "T", 31);
                tx(h, "30:00", "c2", "T", 4);
                tx(h, "31:00", "c2", "T", 40);
                assertThat(h.alerts()).extracting(Alert::key).containsExactly("c1");
                assertThat(h.alerts().get(0).eventTime()).isEqualTo(RuleHarness.at("25:00"));
            }
        }

        @Test
        void threeSteps_allWithinTheTimeOfTheFirst() {
            var yaml = """
                    rule: escalation
                    when:
                      pattern: sequence
                      per: host
                      within: 5m
                      steps:
                        - {event: Reading, where: status == "warn"}
                        - {event: Reading, where: status == "error"}
                        - {name: last, event: Reading, where: status == "down"}
                    """;
            try (var h = rules(yaml)) {
                h.send("Reading", "0:00", "host", "h1", "value", 1, "status", "warn");
                h.send("Reading", "1:00", "host", "h1", "value", 1, "status", "error");
                h.send("Reading", "5:00.001", "host", "h1", "value", 1, "status", "down");
                assertThat(h.alerts()).isEmpty();
                h.send("Reading", "6:00", "host", "h1", "value", 1, "status", "warn");
                h.send("Reading", "7:00", "host", "h1", "value", 1, "status", "error");
                h.send("Reading", "11:00", "host", "h1", "value", 1, "status", "down");
                assertThat(h.alerts()).hasSize(1);
            }
        }
    }

    @Nested
    class Absence {
        private static final String UNPAID = """
                rule: unpaid
                when: {pattern: absence, event: Order, per: orderId, within: 15m, missing: {event: Payment, where: "amount >= first.amount"}}
                then: {message: "order {orderId} of {amount} not paid"}
                """;

        @Test
        void firesAtExactlyTheTime() {
            try (var h = rules(UNPAID)) {
                h.send("Order", "0:00", "orderId", "o1", "amount", 10);
                h.advanceTo("14:59.999");
                assertThat(h.alerts()).isEmpty();
                h.advanceTo("15:00");
                assertThat(h.alerts()).singleElement().satisfies(a -> {
                    assertThat(a.message()).isEqualTo("order o1 of 10 not paid");
                    assertThat(a.eventTime()).isEqualTo(RuleHarness.at("15:00"));
                });
            }
        }

        /** The README: "a missing event at 15:00.000 still counts as in time"; one a millisecond later does not. */
        @Test
        void theMissingEventExactlyAtTheDeadline_isInTime_aMillisecondLaterItIsNot() {
            try (var h = rules(UNPAID)) {
                h.send("Order", "0:00", "orderId", "o1", "amount", 10);
                h.send("Payment", "15:00", "orderId", "o1", "amount", 10);
                h.advanceTo("30:00");
                assertThat(h.alerts()).isEmpty();
            }
            try (var h = rules(UNPAID)) {
                h.send("Order", "0:00", "orderId", "o1", "amount", 10);
                h.send("Payment", "15:00.001", "orderId", "o1", "amount", 10);
                h.advanceTo("30:00");
                assertThat(h.alerts()).singleElement().extracting(Alert::eventTime).isEqualTo(RuleHarness.at("15:00"));
            }
        }

        @Test
        void aMatchingEventInTime_preventsIt_oneFailingItsCondition_orOfAnotherKey_doesNot() {
            try (var h = rules(UNPAID)) {
                h.send("Order", "0:00", "orderId", "o1", "amount", 10);
                h.send("Order", "0:00", "orderId", "o2", "amount", 10);
                h.send("Order", "0:00", "orderId", "o3", "amount", 10);
                h.send("Payment", "14:59", "orderId", "o1", "amount", 10);
                h.send("Payment", "14:59", "orderId", "o2", "amount", 9.99);
                h.send("Payment", "14:59", "orderId", "o4", "amount", 10);
                h.advanceTo("30:00");
                assertThat(h.alerts()).extracting(Alert::key).containsExactlyInAnyOrder("o2", "o3");
            }
        }
    }

    @Nested
    class Flatline {
        private static final String LOST = """
                rule: lost
                when: {pattern: flatline, event: Reading, per: host, for: 2m}
                then: {message: "{host} silent"}
                """;

        @Test
        void firesOncePerSilence_atExactlyTheTimeAfterTheLastEvent() {
            try (var h = rules(LOST)) {
                for (int s = 0; s < 60; s++) {
                    h.send("Reading", "0:" + s, "host", "h1", "value", 1, "status", "ok");
                }
                h.advanceTo("2:58.999");
                assertThat(h.alerts()).isEmpty();
                h.advanceTo("2:59");
                assertThat(h.alerts()).hasSize(1);
                h.advanceTo("10:00");
                assertThat(h.alerts()).hasSize(1);
                for (int s = 0; s < 10; s++) {
                    h.send("Reading", "10:" + s, "host", "h1", "value", 1, "status", "ok");
                }
                h.advanceTo("12:08.999");
                assertThat(h.alerts()).hasSize(1);
                h.advanceTo("12:09");
                assertThat(h.alerts()).hasSize(2).allSatisfy(a -> assertThat(a.message()).isEqualTo("h1 silent"));
            }
        }

        @Test
        void aKeyThatKeepsTalking_orWasNeverSeen_raisesNothing() {
            try (var h = rules(LOST)) {
                for (int m = 0; m < 10; m++) {
                    h.send("Reading", m + ":00", "host", "h1", "value", 1, "status", "ok");
                }
                h.advanceTo("10:59");
                assertThat(h.alerts()).isEmpty();
            }
        }
    }

    @Nested
    class Sustained {
        private static final String HOT = """
                rule: hot
                when: {pattern: sustained, event: Reading, per: host, condition: value > 90, for: 5m}
                then: {message: "{host} hot"}
                """;

        private void readings(RuleHarness h, int fromSecond, int toSecond, double value) {
            for (int s = fromSecond; s <= toSecond; s += 30) {
                h.send("Reading", s / 60 + ":" + String.format("%02d", s % 60), "host", "h1", "value", value, "status", "ok");
            }
        }

        @Test
        void heldForTheDuration_firesAtExactlyItsEnd_oncePerRun() {
            try (var h = rules(HOT)) {
                readings(h, 0, 270, 95);
                h.advanceTo("4:59.999");
                assertThat(h.alerts()).isEmpty();
                h.advanceTo("5:00");
                assertThat(h.alerts()).singleElement().extracting(Alert::eventTime).isEqualTo(RuleHarness.at("5:00"));
                readings(h, 300, 900, 95);
                h.advanceTo("20:00");
                assertThat(h.alerts()).hasSize(1);
            }
        }

        @Test
        void anEventBreakingIt_stopsTheRun_andANewRunFiresOnItsOwn() {
            try (var h = rules(HOT)) {
                readings(h, 0, 270, 95);
                h.send("Reading", "4:59", "host", "h1", "value", 50, "status", "ok");
                h.advanceTo("5:00");
                assertThat(h.alerts()).isEmpty();
                readings(h, 300, 570, 95);
                h.advanceTo("9:59.999");
                assertThat(h.alerts()).isEmpty();
                h.advanceTo("10:00");
                assertThat(h.alerts()).hasSize(1);
            }
        }
    }

    @Nested
    class Spike {
        @Test
        void aFlatRate_neverFires_aBurstDoes_andANewKeyIsNoSpike() {
            var yaml = "rule: spike\nwhen: {pattern: spike, event: Tx, per: card, within: 1m, baseline: 1h, factor: 3}\n"
                    + "then: {message: \"{card}: {recent} in a minute, {ratio} times\"}\n";
            try (var h = rules(yaml)) {
                for (int m = 0; m < 120; m++) {
                    tx(h, m / 60 + ":" + String.format("%02d", m % 60) + ":00", "c1", "T", 1);
                    tx(h, m / 60 + ":" + String.format("%02d", m % 60) + ":30", "c1", "T", 1);
                }
                for (int s = 0; s < 10; s++) {
                    tx(h, "0:" + String.format("%02d", s) + ":01", "new", "T", 1);
                }
                assertThat(h.alerts()).isEmpty();
                for (int s = 1; s <= 6; s++) {
                    tx(h, "2:00:0" + s, "c1", "T", 1);
                }
                assertThat(h.alerts()).singleElement().satisfies(a -> assertThat(a.message()).startsWith("c1: 7 in a minute, "));
            }
        }

        @Test
        void theAverageOfAField_againstItsBaseline() {
            var yaml = "rule: slow\nwhen: {pattern: spike, event: Reading, per: host, field: value, within: 5m, baseline: 1h, factor: 2}\n";
            try (var h = rules(yaml)) {
                for (int m = 0; m < 90; m++) {
                    h.send("Reading", m / 60 + ":" + String.format("%02d", m % 60) + ":00", "host", "h1", "value", 10 + m % 3, "status", "ok");
                }
                assertThat(h.alerts()).isEmpty();
                h.send("Reading", "1:30:00", "host", "h1", "value", 40, "status", "ok");
                h.send("Reading", "1:31:00", "host", "h1", "value", 40, "status", "ok");
                assertThat(h.alerts()).hasSize(1);
            }
        }

        /**
         * At 1:30 the recent 5 minutes hold 1:26 to 1:29 at 10 and the new value (1:25 is exactly
         * five minutes old, so out); the baseline, 5 to 65 minutes before, is 10 throughout.
         */
        @Test
        void theAverageOfAField_atTheFactor_doesNotFire_justAboveItDoes() {
            var yaml = "rule: slow\nwhen: {pattern: spike, event: Reading, per: host, field: value, within: 5m, baseline: 1h, factor: 2}\n";
            try (var h = rules(yaml)) {
                minutesAtTen(h);
                h.send("Reading", "1:30:00", "host", "h1", "value", 60, "status", "ok");
                assertThat(h.alerts()).as("recent average 20, exactly twice the baseline").isEmpty();
            }
            try (var h = rules(yaml)) {
                minutesAtTen(h);
                h.send("Reading", "1:30:00", "host", "h1", "value", 60.05, "status", "ok");
                assertThat(h.alerts()).singleElement().satisfies(a -> {
                    assertThat(a.attributes()).containsEntry("baseline", 10.0);
                    assertThat((double) a.attributes().get("recent")).isCloseTo(20.01, within(1e-9));
                });
            }
        }

        private void minutesAtTen(RuleHarness h) {
            for (int m = 0; m < 90; m++) {
                h.send("Reading", m / 60 + ":" + String.format("%02d", m % 60) + ":00", "host", "h1", "value", 10, "status", "ok");
            }
            assertThat(h.alerts()).isEmpty();
        }
    }

    @Test
    void newValue_firesForAValueTheKeyHasNotShownWithinTheMemory() {
        var yaml = "rule: new terminal\nwhen: {pattern: new-value, event: Tx, per: card, field: terminal, within: 1h}\n"
                + "then: {message: \"{card} at {value}\"}\n";
        try (var h = rules(yaml)) {
            tx(h, "0:00", "c1", "T1", 1);
            tx(h, "10:00", "c1", "T1", 1);
            tx(h, "9:00", "c9", "T9", 1);
            assertThat(h.alerts()).isEmpty();
            tx(h, "20:00", "c1", "T2", 1);
            tx(h, "30:00", "c1", "T1", 1);
            tx(h, "1:40:00", "c1", "T2", 1);
            tx(h, "1:45:00", "c1", "T1", 1);
            assertThat(h.alerts()).extracting(Alert::message).containsExactly("c1 at T2", "c1 at T1");
        }
        try (var h = rules(yaml.replace("within: 1h}", "within: 1h, newKeys: true}"))) {
            tx(h, "0:00", "c9", "T9", 1);
            assertThat(h.alerts()).extracting(Alert::message).containsExactly("c9 at T9");
        }
    }

    /**
     * The memory is a window over the key's events: a value shown exactly {@code within} ago is
     * out of it, so it is new again; shown a millisecond less ago, it is not.
     */
    @Test
    void newValue_theSameValueExactlyTheMemoryLater_isNew_aMillisecondEarlierItIsNot() {
        var yaml = "rule: new terminal\nwhen: {pattern: new-value, event: Tx, per: card, field: terminal, within: 1h}\n"
                + "then: {message: \"{card} at {value}\"}\n";
        try (var h = rules(yaml)) {
            tx(h, "0:00", "c1", "T1", 1);
            tx(h, "30:00", "c1", "T2", 1);
            tx(h, "59:59.999", "c1", "T1", 1);
            assertThat(h.alerts()).extracting(Alert::message).containsExactly("c1 at T2");
        }
        try (var h = rules(yaml)) {
            tx(h, "0:00", "c1", "T1", 1);
            tx(h, "30:00", "c1", "T2", 1);
            tx(h, "1:00:00", "c1", "T1", 1);
            assertThat(h.alerts()).extracting(Alert::message).containsExactly("c1 at T2", "c1 at T1");
        }
    }

    /** The previous event counts when it is less than {@code within} older: exactly {@code within} is too old. */
    @Test
    void change_aPreviousEventExactlyWithinOld_isTooOld_aMillisecondYoungerCounts() {
        var yaml = "rule: changed\nwhen: {pattern: change, event: Reading, per: host, field: status, within: 10m}\n"
                + "then: {message: \"{host}: {previous} -> {value}\"}\n";
        try (var h = rules(yaml)) {
            h.send("Reading", "0:00", "host", "h1", "value", 1, "status", "ok");
            h.send("Reading", "9:59.999", "host", "h1", "value", 1, "status", "down");
            assertThat(h.alerts()).extracting(Alert::message).containsExactly("h1: ok -> down");
        }
        try (var h = rules(yaml)) {
            h.send("Reading", "0:00", "host", "h1", "value", 1, "status", "ok");
            h.send("Reading", "10:00", "host", "h1", "value", 1, "status", "down");
            assertThat(h.alerts()).isEmpty();
        }
    }

    @Test
    void change_firesWhenTheFieldDiffersFromTheKeysPreviousEvent() {
        try (var h = rules("""
                rule: status changed
                when: {pattern: change, event: Reading, per: [host, status], field: value, within: 1h}
                then: {message: "{host}/{status}: {previous} -> {value}", attributes: {now: "{value}"}}
                """)) {
            h.send("Reading", "0:00", "host", "h1", "value", 1, "status", "s");
            h.send("Reading", "1:00", "host", "h1", "value", 1, "status", "s");
            h.send("Reading", "1:30", "host", "h1", "value", 5, "status", "other");
            assertThat(h.alerts()).isEmpty();
            h.send("Reading", "2:00", "host", "h1", "value", 2, "status", "s");
            h.send("Reading", "3:00", "host", "h1", "value", 2, "status", "s");
            h.send("Reading", "4:00", "host", "h1", "value", 1, "status", "s");
            assertThat(h.alerts()).extracting(Alert::message).containsExactly("h1/s: 1 -> 2", "h1/s: 2 -> 1");
            assertThat(h.alerts().get(0).key()).isEqualTo("h1/s");
            assertThat(h.alerts().get(0).attributes()).containsEntry("now", 2.0).containsEntry("previous", 1.0);
        }
    }

    @Test
    void match_firesForEveryEvent_andLivesBesideDrlRules() {
        var drl = TYPES + """
                rule "drl big"
                when
                    $t : Tx(amount > 1000) over window:time(1m)
                then
                    alerts.raise($t.getCard(), "drl");
                end
                """;
        try (var h = RuleHarness.of(Map.of("types.drl", drl, "r.rule.yaml",
                "rule: declined\nwhen: {pattern: match, event: Tx, where: status == \"declined\", per: card}\n"))) {
            h.send("Tx", "0:00", "card", "c1", "terminal", "T", "amount", 5000, "status", "declined");
            h.send("Tx", "0:01", "card", "c2", "terminal", "T", "amount", 5, "status", "declined");
            h.send("Tx", "0:02", "card", "c3", "terminal", "T", "amount", 5, "status", "ok");
            assertThat(h.alerts()).extracting(a -> a.rule() + ":" + a.key()).containsExactlyInAnyOrder("drl big:c1", "declined:c1", "declined:c2");
        }
    }
}
