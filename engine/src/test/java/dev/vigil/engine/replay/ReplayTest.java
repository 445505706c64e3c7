package dev.vigil.engine.replay;

import static dev.vigil.engine.RuleHarness.at;
import static dev.vigil.engine.RuleHarness.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.engine.Engine;
import dev.vigil.engine.RuleHarness;
import dev.vigil.engine.TestClock;
import dev.vigil.engine.TestRules;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.EngineConfig;
import dev.vigil.engine.api.EngineListener;
import dev.vigil.engine.api.EventError;
import dev.vigil.engine.api.InputOrder;
import dev.vigil.engine.api.LatePolicy;
import dev.vigil.engine.api.Partitioning;
import dev.vigil.engine.api.ReplayOrder;
import dev.vigil.engine.api.RuleSetSettings;
import dev.vigil.engine.api.RuleSetSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReplayTest {
    private static final String RULES = TestRules.TRANSACTION + """
            declare Login
                @role(event)
                @timestamp(time)
                time : long
                accountId : String
            end
            rule "burst"
            when
                $t : Transaction($acc : accountId) over window:time(60s)
                Number(intValue > 3) from accumulate(Transaction(accountId == $acc) over window:time(60s), count(1))
            then
                alerts.raise($acc, "more than 3 transactions in 60 s");
            end
            rule "login without transaction"
            when
                $l : Login($acc : accountId)
                not(Transaction(accountId == $acc, this after[0s,30s] $l))
            then
                alerts.raise($acc, "login without a transaction within 30 s");
            end
            """;
    private static final RuleSetSource SOURCE = new RuleSetSource("fraud", Map.of("fraud.drl", RULES),
            RuleSetSettings.DEFAULTS.withAllowedLateness(Duration.ofSeconds(5)));

    private static final ReplayOrder AS_GIVEN = ReplayOrder.defaults().withSorted(false);

    private final TestClock clock = new TestClock(RuleHarness.T0);
    private final List<Alert> liveAlerts = new CopyOnWriteArrayList<>();
    private final Engine engine = Engine.create(EngineConfig.defaults().withClock(clock).withListener(new EngineListener() {
        @Override
        public void onAlert(Alert alert) {
            liveAlerts.add(alert);
        }
    }));

    @AfterEach
    void close() {
        engine.close();
    }

    /** 600 events over 20 minutes on 8 accounts, slightly out of order (within 5 s). */
    private static List<ObjectNode> history() {
        var random = new Random(3);
        var events = new ArrayList<ObjectNode>();
        for (int i = 0; i < 600; i++) {
            long ms = i * 2000L + random.nextInt(4000);
            var offset = String.format("%d:%06.3f", ms / 60_000, (ms % 60_000) / 1000.0);
            var type = random.nextInt(10) == 0 ? "Login" : "Transaction";
            var e = event(type, offset, "accountId", "a" + random.nextInt(8)).put("id", "x" + i);
            if (type.equals("Transaction")) {
                e.put("amount", 10.0);
            }
            events.add(e);
        }
        return events;
    }

    @Test
    void aReplayAskedToStop_stopsAfterItsFirstBatch_withTheEventsItProcessed() {
        try (var prepared = engine.prepareReplay(SOURCE)) {
            prepared.stop();
            assertThatThrownBy(() -> prepared.run(history().iterator(), null))
                    .isInstanceOf(CancellationException.class).hasMessageStartingWith("stopped after ");
            assertThat(prepared.progress().processed()).isPositive().isLessThan(600);
        }
        try (var prepared = engine.prepareReplay(SOURCE)) {
            assertThat(prepared.run(history().iterator(), null).stats().events()).isEqualTo(600);
            assertThat(prepared.progress().processed()).isEqualTo(600);
        }
    }

    @Test
    void replay_sameInputTwice_sameAlertsWithSameIds() {
        var first = engine.replay(SOURCE, history().iterator(), null);
        var second = engine.replay(SOURCE, history().iterator(), null);

        assertThat(first.alerts()).isNotEmpty();
        assertThat(second.alerts()).extracting(Alert::id).isEqualTo(first.alerts().stream().map(Alert::id).toList());
        assertThat(first.alerts()).extracting(Alert::rule).contains("burst", "login without transaction");
    }

    @Test
    void replay_ofAShuffledInput_sortsIt_andRaisesTheAlertsOfTheOrderedOne_reportingItsDisorder() {
        var ordered = history();
        ordered.sort(Comparator.comparing(e -> Instant.parse(e.get("time").asText())));
        var shuffled = new ArrayList<>(ordered);
        Collections.shuffle(shuffled, new Random(5));
        var noLateness = SOURCE.withSettings(SOURCE.settings().withAllowedLateness(Duration.ZERO));

        var expected = engine.replay(noLateness, ordered.iterator(), null);
        var actual = engine.replay(noLateness, shuffled.iterator(), null);
        var asGiven = engine.replay(noLateness, shuffled.iterator(), null, AS_GIVEN);

        assertThat(expected.alerts()).isNotEmpty();
        assertThat(actual.stats().lateEvents()).isZero();
        assertThat(actual.alerts()).extracting(Alert::id).isEqualTo(expected.alerts().stream().map(Alert::id).toList());
        assertThat(expected.stats().order()).isEqualTo(new InputOrder(true, 0, Duration.ZERO));
        assertThat(actual.stats().order().sorted()).isTrue();
        assertThat(actual.stats().order().outOfOrder()).isBetween(250L, 600L);
        assertThat(actual.stats().order().maxBehind()).isGreaterThan(Duration.ofMinutes(15));
        assertThat(asGiven.stats().order()).isEqualTo(actual.stats().order().withSorted(false));
        assertThat(asGiven.stats().lateEvents()).isEqualTo(actual.stats().order().outOfOrder());
        assertThat(asGiven.alerts()).extracting(Alert::id).isNotEqualTo(expected.alerts().stream().map(Alert::id).toList());
    }

    /** Three transactions of a1, one of a2 a minute and a half later, then a1's fourth, which is 90 s late. */
    private static List<ObjectNode> oneLate() {
        return List.of(event("Transaction", "0:00", "accountId", "a1", "amount", 1.0).put("id", "t1"),
                event("Transaction", "0:10", "accountId", "a1", "amount", 1.0).put("id", "t2"),
                event("Transaction", "0:20", "accountId", "a1", "amount", 1.0).put("id", "t3"),
                event("Transaction", "2:00", "accountId", "a2", "amount", 1.0).put("id", "t5"),
                event("Transaction", "0:30", "accountId", "a1", "amount", 1.0).put("id", "t4"));
    }

    @Test
    void replay_asGiven_losesTheAlertOfALateEvent_unlessTheLatenessCoversIt_whileSortedItRaisesIt() {
        var dropLate = SOURCE.settings().withLatePolicy(LatePolicy.DROP);
        var noLateness = SOURCE.withSettings(dropLate.withAllowedLateness(Duration.ZERO));
        var lateness89s = SOURCE.withSettings(dropLate.withAllowedLateness(Duration.ofSeconds(89)));
        var lateness90s = SOURCE.withSettings(dropLate.withAllowedLateness(Duration.ofSeconds(90)));

        var sorted = engine.replay(noLateness, oneLate().iterator(), null);
        var asGiven = engine.replay(noLateness, oneLate().iterator(), null, AS_GIVEN);
        var justShort = engine.replay(lateness89s, oneLate().iterator(), null, AS_GIVEN);
        var covered = engine.replay(lateness90s, oneLate().iterator(), null, AS_GIVEN);

        assertThat(sorted.alerts()).extracting(Alert::rule, Alert::key).containsExactly(tuple("burst", "a1"));
        assertThat(sorted.stats().lateEvents()).isZero();
        assertThat(sorted.stats().order()).isEqualTo(new InputOrder(true, 1, Duration.ofSeconds(90)));
        assertThat(asGiven.alerts()).isEmpty();
        assertThat(asGiven.stats().lateEvents()).isEqualTo(1);
        assertThat(asGiven.stats().order()).isEqualTo(new InputOrder(false, 1, Duration.ofSeconds(90)));
        assertThat(justShort.alerts()).isEmpty();
        assertThat(justShort.stats().lateEvents()).isEqualTo(1);
        assertThat(covered.alerts()).extracting(Alert::id).isEqualTo(sorted.alerts().stream().map(Alert::id).toList());
        assertThat(covered.stats().lateEvents()).isZero();
    }

    @Test
    void replay_sorted_ofAPartitionedRuleSet_raisesTheAlertsOfOneSessionOverTheOrderedInput() {
        var ordered = new ArrayList<>(history().subList(0, 200));
        ordered.sort(Comparator.comparing(e -> Instant.parse(e.get("time").asText())));
        var shuffled = new ArrayList<>(ordered);
        Collections.shuffle(shuffled, new Random(7));
        var noLateness = SOURCE.withSettings(SOURCE.settings().withAllowedLateness(Duration.ZERO));
        var partitioned = noLateness.withSettings(noLateness.settings().withPartitioning(Partitioning.by("accountId").withPartitions(3)));

        var expected = engine.replay(noLateness, ordered.iterator(), null, AS_GIVEN);
        var actual = engine.replay(partitioned, shuffled.iterator(), null);

        assertThat(actual.stats().lateEvents()).isZero();
        assertThat(actual.alerts()).extracting(Alert::id).containsExactlyInAnyOrderElementsOf(expected.alerts().stream().map(Alert::id).toList());
    }

    @Test
    void replay_sorted_namesInvalidEventsByTheirIndexInTheInput_theFirstOnesOfTheInput() {
        var events = new ArrayList<JsonNode>();
        // 150 invalid events, each earlier in time than the one before it: sorted, the last runs first.
        for (int i = 0; i < 150; i++) {
            long ms = (150 - i) * 1000L;
            var offset = String.format("%d:%06.3f", ms / 60_000, (ms % 60_000) / 1000.0);
            events.add(event("Transaction", offset, "accountId", "a1", "amount", "lots"));
        }

        var result = engine.replay(SOURCE, events.iterator(), null);

        assertThat(result.stats().invalidEvents()).isEqualTo(150);
        assertThat(result.errors()).hasSize(Replay.MAX_REPORTED_ERRORS)
                .extracting(EventError::index).containsExactlyElementsOf(IntStream.range(0, Replay.MAX_REPORTED_ERRORS).boxed().toList());
    }

    @Test
    void replay_asGiven_ofAnUnorderedFile_withLatenessCoveringItsDisorder_givesTheAlertsOfTheOrderedOne() {
        var ordered = history();
        ordered.sort(Comparator.comparing(e -> Instant.parse(e.get("time").asText())));
        var shuffled = new ArrayList<>(ordered);
        Collections.shuffle(shuffled, new Random(5));
        var sorting = SOURCE.withSettings(SOURCE.settings().withAllowedLateness(Duration.ofDays(1)));

        var expected = engine.replay(SOURCE, ordered.iterator(), null, AS_GIVEN);
        var actual = engine.replay(sorting, shuffled.iterator(), null, AS_GIVEN);

        assertThat(expected.stats().lateEvents()).isZero();
        assertThat(actual.stats().lateEvents()).isZero();
        assertThat(actual.alerts()).extracting(Alert::id).isEqualTo(expected.alerts().stream().map(Alert::id).toList());
    }

    @Test
    void replay_asGiven_reportsStatistics() {
        var events = new ArrayList<JsonNode>(history());
        events.add(event("Transaction", "0:01", "accountId", "a1", "amount", 1.0).put("id", "late"));

        var result = engine.replay(SOURCE, events.iterator(), null, AS_GIVEN);

        var stats = result.stats();
        assertThat(stats.events()).isEqualTo(601);
        assertThat(stats.lateEvents()).isEqualTo(1);
        assertThat(stats.invalidEvents()).isZero();
        assertThat(stats.alertsPerRule().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(result.alerts().size());
        assertThat(stats.eventsPerSecond()).isPositive();
        assertThat(stats.elapsed()).isPositive();
    }

    @Test
    void replay_skipsInvalidEvents_andNamesThemByIndex() {
        var events = new ArrayList<JsonNode>(history().subList(0, 10));
        events.add(3, event("Transaction", "0:05", "accountId", "a1", "amount", "lots"));

        var result = engine.replay(SOURCE, events.iterator(), null);

        assertThat(result.stats().events()).isEqualTo(11);
        assertThat(result.stats().invalidEvents()).isEqualTo(1);
        assertThat(result.errors()).singleElement().satisfies(e -> {
            assertThat(e.index()).isEqualTo(3);
            assertThat(e.field()).isEqualTo("amount");
        });
    }

    @Test
    void replay_until_firesAbsencesPendingAtTheEnd() {
        var events = List.of(event("Login", "0:00", "accountId", "a1").put("id", "l1"));

        assertThat(engine.replay(SOURCE, events.iterator(), at("0:29.999")).alerts()).isEmpty();
        assertThat(engine.replay(SOURCE, events.iterator(), at("0:30")).alerts())
                .singleElement().satisfies(a -> assertThat(a.eventTime()).isEqualTo(at("0:30")));
    }

    @Test
    void liveEventTimeSession_raisesTheSameAlertsAsAReplay() {
        var events = history();
        engine.deploy(SOURCE);
        for (int i = 0; i < events.size(); i += 50) {
            engine.submit("fraud", events.subList(i, Math.min(events.size(), i + 50)));
        }
        engine.flush("fraud").join();

        var replayed = engine.replay(SOURCE, events.iterator(), null).alerts();

        // The live session keeps the last 5 s in its reorder buffer; the replay flushes it at the end.
        var cutoff = events.stream().map(e -> Instant.parse(e.get("time").asText())).max(Comparator.naturalOrder())
                .orElseThrow().minusSeconds(5);
        var expected = replayed.stream().filter(a -> !a.eventTime().isAfter(cutoff)).toList();
        assertThat(liveAlerts).extracting(Alert::id, Alert::eventTime, Alert::evidence)
                .containsExactlyElementsOf(expected.stream()
                        .map(a -> org.assertj.core.groups.Tuple.tuple(a.id(), a.eventTime(), a.evidence())).toList());
    }
}
