package dev.vigil.engine.replay;

import static dev.vigil.engine.RuleHarness.at;
import static dev.vigil.engine.RuleHarness.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.engine.Engine;
import dev.vigil.engine.RuleHarness;
import dev.vigil.engine.TestClock;
import dev.vigil.engine.TestRules;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.EngineConfig;
import dev.vigil.engine.api.EngineListener;
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
import java.util.concurrent.CopyOnWriteArrayList;
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
    void replay_sameInputTwice_sameAlertsWithSameIds() {
        var first = engine.replay(SOURCE, history().iterator(), null);
        var second = engine.replay(SOURCE, history().iterator(), null);

        assertThat(first.alerts()).isNotEmpty();
        assertThat(second.alerts()).extracting(Alert::id).isEqualTo(first.alerts().stream().map(Alert::id).toList());
        assertThat(first.alerts()).extracting(Alert::rule).contains("burst", "login without transaction");
    }

    @Test
    void replay_ofAnUnorderedFile_withLatenessCoveringItsDisorder_givesTheAlertsOfTheOrderedOne() {
        var ordered = history();
        ordered.sort(Comparator.comparing(e -> Instant.parse(e.get("time").asText())));
        var shuffled = new ArrayList<>(ordered);
        Collections.shuffle(shuffled, new Random(5));
        var sorting = SOURCE.withSettings(SOURCE.settings().withAllowedLateness(Duration.ofDays(1)));

        var expected = engine.replay(SOURCE, ordered.iterator(), null);
        var actual = engine.replay(sorting, shuffled.iterator(), null);

        assertThat(expected.stats().lateEvents()).isZero();
        assertThat(actual.stats().lateEvents()).isZero();
        assertThat(actual.alerts()).extracting(Alert::id).isEqualTo(expected.alerts().stream().map(Alert::id).toList());
    }

    @Test
    void replay_reportsStatistics() {
        var events = new ArrayList<JsonNode>(history());
        events.add(event("Transaction", "0:01", "accountId", "a1", "amount", 1.0).put("id", "late"));

        var result = engine.replay(SOURCE, events.iterator(), null);

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
