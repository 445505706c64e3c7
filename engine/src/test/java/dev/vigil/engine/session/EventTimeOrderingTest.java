package dev.vigil.engine.session;

import static dev.vigil.engine.RuleHarness.event;
import static dev.vigil.engine.TestRules.TRANSACTION;
import static dev.vigil.engine.TestRules.burst;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.engine.RuleHarness;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.LatePolicy;
import dev.vigil.engine.api.RuleSetSettings;
import dev.vigil.engine.api.AlertContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The reorder buffer and the watermark: events put in time order, and late ones counted and handled. */
class EventTimeOrderingTest {
    private static final String BURST = TRANSACTION + burst(2);

    private static final RuleSetSettings LATENESS_30S = RuleSetSettings.DEFAULTS.withAllowedLateness(Duration.ofSeconds(30));

    /** 200 transactions over 10 minutes on 5 accounts, with ids, in time order. */
    private static List<ObjectNode> inOrder() {
        var random = new Random(7);
        var events = new ArrayList<ObjectNode>();
        for (int i = 0; i < 200; i++) {
            var offset = String.format("%d:%06.3f", i * 3 / 60, (i * 3) % 60 + random.nextInt(1000) / 1000.0);
            events.add(event("Transaction", offset, "accountId", "a" + random.nextInt(5)).put("id", "t" + i));
        }
        return events;
    }

    /** The same events in the order they would arrive if each were delayed by up to 20 s: disorder within a 30 s lateness. */
    private static List<ObjectNode> shuffledWithin20s(List<ObjectNode> events) {
        var random = new Random(11);
        var arrival = new IdentityHashMap<ObjectNode, Long>();
        for (var e : events) {
            arrival.put(e, Instant.parse(e.get("time").asText()).toEpochMilli() + random.nextInt(20_000));
        }
        var out = new ArrayList<>(events);
        out.sort(Comparator.comparing(arrival::get));
        return out;
    }

    private static List<Alert> run(List<ObjectNode> events, RuleSetSettings settings) {
        try (var h = RuleHarness.of(BURST, settings)) {
            h.sendAll(events).finish();
            assertThat(h.stats().lateEvents()).isZero();
            return h.alerts();
        }
    }

    @Test
    void outOfOrderWithinLateness_givesTheSameAlertsAsInOrder() {
        var ordered = inOrder();
        var shuffled = shuffledWithin20s(ordered);
        assertThat(shuffled).isNotEqualTo(ordered);

        var expected = run(ordered, RuleSetSettings.DEFAULTS);
        var actual = run(shuffled, LATENESS_30S);

        assertThat(expected).isNotEmpty();
        assertThat(actual).extracting(Alert::id, Alert::eventTime, Alert::evidence)
                .containsExactlyElementsOf(expected.stream().map(a -> org.assertj.core.groups.Tuple.tuple(a.id(), a.eventTime(), a.evidence())).toList());
    }

    @Test
    void eventsWaitForTheWatermark_beforeBeingInserted() {
        try (var h = RuleHarness.of(BURST, LATENESS_30S)) {
            h.send("Transaction", "0:00", "accountId", "a1");
            h.send("Transaction", "0:29.999", "accountId", "a1");
            assertThat(h.stats().buffered()).isEqualTo(2);
            assertThat(h.stats().factCount()).isZero();

            h.send("Transaction", "0:30", "accountId", "a2");

            assertThat(h.stats().buffered()).isEqualTo(2);
            assertThat(h.stats().factCount()).isEqualTo(1);
        }
    }

    @Test
    void eventAtTheWatermark_isNotLate_oneMillisecondBehindIs() {
        try (var h = RuleHarness.of(BURST, RuleSetSettings.DEFAULTS.withAllowedLateness(Duration.ofSeconds(10)))) {
            h.send("Transaction", "0:30", "accountId", "a1");
            h.send("Transaction", "0:20", "accountId", "a1");
            assertThat(h.stats().lateEvents()).isZero();

            h.send("Transaction", "0:19.999", "accountId", "a1");

            assertThat(h.stats().lateEvents()).isEqualTo(1);
            assertThat(h.lateEvents()).extracting(e -> e.id()).containsExactly("e3");
        }
    }

    @Test
    void lateEvent_processPolicy_isCountedAndStillCountsInItsWindow() {
        try (var h = RuleHarness.of(BURST)) {
            h.send("Transaction", "0:10", "accountId", "a1");
            h.send("Transaction", "0:20", "accountId", "a1");

            h.send("Transaction", "0:15", "accountId", "a1");

            assertThat(h.stats().lateEvents()).isEqualTo(1);
            assertThat(h.stats().droppedLate()).isZero();
            assertThat(h.alerts()).singleElement()
                    .satisfies(a -> assertThat(a.context()).isEqualTo(new AlertContext(3, List.of("e1", "e3", "e2"))));
        }
    }

    @Test
    void lateEvent_olderThanItsWindow_leavesWorkingMemoryAtOnce() {
        try (var h = RuleHarness.of(BURST)) {
            h.send("Transaction", "5:00", "accountId", "a1");
            for (int i = 0; i < 50; i++) {
                h.send("Transaction", "0:" + String.format("%02d", i), "accountId", "a" + i);
            }

            assertThat(h.stats().lateEvents()).isEqualTo(50);
            assertThat(h.stats().factCount()).as("only the 5:00 event is inside a 60 s window").isEqualTo(1);
        }
    }

    @Test
    void lateEvent_dropPolicy_isCountedReportedAndLeftOut() {
        try (var h = RuleHarness.of(BURST, RuleSetSettings.DEFAULTS.withLatePolicy(LatePolicy.DROP))) {
            h.send("Transaction", "0:10", "accountId", "a1");
            h.send("Transaction", "0:20", "accountId", "a1");

            h.send("Transaction", "0:15", "accountId", "a1");

            assertThat(h.stats().lateEvents()).isEqualTo(1);
            assertThat(h.stats().droppedLate()).isEqualTo(1);
            assertThat(h.lateEvents()).extracting(e -> e.id()).containsExactly("e3");
            assertThat(h.stats().factCount()).isEqualTo(2);
            assertThat(h.alerts()).isEmpty();
        }
    }
}
