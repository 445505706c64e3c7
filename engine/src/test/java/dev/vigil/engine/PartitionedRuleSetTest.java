package dev.vigil.engine;

import static dev.vigil.engine.RuleHarness.T0;
import static dev.vigil.engine.RuleHarness.at;
import static dev.vigil.engine.RuleHarness.event;
import static dev.vigil.engine.TestRules.NO_LOGOUT;
import static dev.vigil.engine.TestRules.PING;
import static dev.vigil.engine.TestRules.SPIN_FOREVER;
import static dev.vigil.engine.TestRules.TRANSACTION;
import static dev.vigil.engine.TestRules.burst;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.AlertBudget;
import dev.vigil.engine.api.EngineConfig;
import dev.vigil.engine.api.EngineListener;
import dev.vigil.engine.api.Partitioning;
import dev.vigil.engine.api.RuleSetSettings;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.engine.api.RuleSetStatus;
import dev.vigil.engine.api.AlertContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A live partitioned rule set: the rule set's clock reaches quiet partitions, a redeploy that
 * changes the partitions keeps the windows, and a failure in one partition fails the rule set the
 * way a single session's does, leaving other rule sets running.
 */
class PartitionedRuleSetTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final TestClock clock = new TestClock(T0);
    private final List<Alert> alerts = new CopyOnWriteArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final Engine engine = Engine.create(EngineConfig.defaults().withClock(clock).withTick(Duration.ofMillis(10))
            .withRuleTimeout(Duration.ofMillis(400))
            .withListener(new EngineListener() {
                @Override
                public void onAlert(Alert alert) {
                    alerts.add(alert);
                }

                @Override
                public void onRuleSetFailed(String ruleSet, String reason) {
                    failures.add(ruleSet + ": " + reason);
                }
            }));

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    private static RuleSetSource source(String name, String drl, Partitioning partitioning) {
        return new RuleSetSource(name, Map.of("x.drl", drl), RuleSetSettings.DEFAULTS.withPartitioning(partitioning));
    }

    private static ObjectNode tx(String id, String offset, String account) {
        return event("Transaction", offset, "accountId", account, "amount", 10.0).put("id", id);
    }

    private static ObjectNode login(String id, String offset, String user) {
        return event("Login", offset, "user", user).put("id", id);
    }

    private List<Alert> alertsOf(String key) {
        return alerts.stream().filter(a -> a.key().equals(key)).toList();
    }

    @Test
    void anAbsenceOnAQuietKey_firesAtItsTrueTime_asOtherKeysMoveTheRuleSetsClock() {
        engine.deploy(source("mon", NO_LOGOUT, Partitioning.by("user").withPartitions(4)));
        engine.submit("mon", List.of(login("l1", "0:00", "quiet")));
        // Only other users from here on: with four partitions, most of them in partitions the quiet user is not in.
        for (int i = 0; i < 8; i++) {
            engine.submit("mon", List.of(login("o" + i, "4:59.99" + i, "busy" + i)));
        }
        engine.flush("mon").join();
        assertThat(alertsOf("quiet")).as("at 4:59.999").isEmpty();

        engine.submit("mon", List.of(login("o9", "5:00", "busy9")));
        engine.flush("mon").join();
        assertThat(alertsOf("quiet")).as("at 5:00").singleElement()
                .satisfies(a -> assertThat(a.eventTime()).isEqualTo(at("5:00")));
    }

    @Test
    void anAbsenceOnAQuietKey_firesWhenTheIdleWatermarkReachesIt() {
        engine.deploy(new RuleSetSource("mon", Map.of("x.drl", NO_LOGOUT), RuleSetSettings.DEFAULTS
                .withIdleTimeout(Duration.ofSeconds(1)).withPartitioning(Partitioning.by("user").withPartitions(2))));
        engine.submit("mon", List.of(login("l1", "0:00", "quiet")));
        engine.flush("mon").join();

        clock.set(at("4:59.999"));
        await().during(Duration.ofMillis(100)).atMost(WAIT).until(() -> alertsOf("quiet").isEmpty());
        clock.set(at("5:00"));
        await().atMost(WAIT).until(() -> alertsOf("quiet").size() == 1);
        assertThat(alertsOf("quiet").get(0).eventTime()).isEqualTo(at("5:00"));
    }

    @Test
    void aRedeployThatChangesThePartitions_movesTheWindows_andRaisesNothingTwice() {
        engine.deploy(source("fraud", TRANSACTION + burst(3), Partitioning.by("accountId").withPartitions(2)));
        var batch = new ArrayList<ObjectNode>();
        for (int i = 1; i <= 4; i++) {
            batch.add(tx("a" + i, "0:0" + i, "raised"));
        }
        for (int i = 1; i <= 3; i++) {
            batch.add(tx("b" + i, "0:0" + i, "waiting"));
        }
        engine.submit("fraud", batch);
        engine.flush("fraud").join();
        assertThat(alerts).extracting(Alert::key).containsExactly("raised");

        var moved = engine.deploy(source("fraud", TRANSACTION + burst(3), Partitioning.by("accountId").withPartitions(4)));
        assertThat(moved.carriedFacts()).as("every held event moves").isEqualTo(7);
        engine.submit("fraud", List.of(tx("b4", "0:05", "waiting")));
        engine.flush("fraud").join();
        assertThat(alerts).extracting(Alert::key).as("the window kept its three events; the first alert is not raised again")
                .containsExactly("raised", "waiting");
        assertThat(alertsOf("waiting").get(0).context()).isEqualTo(new AlertContext(4, List.of("b1", "b2", "b3", "b4")));

        engine.deploy(fraudUnpartitioned());
        engine.submit("fraud", List.of(tx("b5", "0:06", "waiting")));
        engine.flush("fraud").join();
        assertThat(alertsOf("waiting")).as("unpartitioned again, with the window").hasSize(2);
        assertThat(engine.flush("fraud").join().version()).isEqualTo(3);
    }

    private static RuleSetSource fraudUnpartitioned() {
        return source("fraud", TRANSACTION + burst(3), Partitioning.NONE);
    }

    @Test
    void aRuleSetGoingFromOneSessionToPartitions_keepsItsWindows() {
        engine.deploy(fraudUnpartitioned());
        engine.submit("fraud", List.of(tx("b1", "0:01", "w"), tx("b2", "0:02", "w"), tx("b3", "0:03", "w")));
        engine.flush("fraud").join();

        engine.deploy(source("fraud", TRANSACTION + burst(3), Partitioning.by("accountId").withPartitions(2)));
        engine.submit("fraud", List.of(tx("b4", "0:04", "w")));
        engine.flush("fraud").join();
        assertThat(alerts).singleElement().satisfies(a -> assertThat(a.context()).isEqualTo(new AlertContext(4, List.of("b1", "b2", "b3", "b4"))));
    }

    @Test
    void recoveryFromTheJournal_rebuildsEachPartitionsWindows() {
        engine.deploy(source("fraud", TRANSACTION + burst(3), Partitioning.by("accountId").withPartitions(2)));
        var kept = List.<JsonNode>of(tx("b1", "0:01", "w"), tx("b2", "0:02", "w"), tx("b3", "0:03", "w"),
                tx("c1", "0:01", "v"), tx("c2", "0:02", "v"), tx("c3", "0:03", "v"));

        var recovery = engine.recover("fraud", new ListJournal(kept), Duration.ofDays(1));
        engine.submit("fraud", List.of(tx("b4", "0:04", "w"), tx("c4", "0:04", "v")));
        engine.flush("fraud").join();

        assertThat(recovery.replayed()).isEqualTo(6);
        assertThat(alerts).extracting(Alert::context).containsExactlyInAnyOrder(
                new AlertContext(4, List.of("b1", "b2", "b3", "b4")), new AlertContext(4, List.of("c1", "c2", "c3", "c4")));
    }

    @Test
    void aRuleThatLoopsInOnePartition_failsTheRuleSetWithTheReasonOfOneSession_andOthersRun() {
        var loop = PING + """
                declare Counter n : int end
                rule "count up"
                when
                    $c : Counter(n >= 0)
                then
                    modify($c) { setN($c.getN() + 1) }
                end
                rule "start"
                when
                    Ping(n > 0)
                then
                    insert(new Counter(0));
                end
                """;
        engine.deploy(new RuleSetSource("loop", Map.of("x.drl", loop), RuleSetSettings.DEFAULTS.withMaxFiringsPerStep(100)
                .withPartitioning(Partitioning.by("n").withPartitions(2))));
        engine.deploy(fraudUnpartitioned());

        engine.submit("loop", List.of(event("Ping", "0:00", "n", 1).put("id", "p1")));
        await().atMost(WAIT).until(() -> engine.ruleSet("loop").orElseThrow().status().state() == RuleSetStatus.State.FAILED);
        assertThat(engine.ruleSet("loop").orElseThrow().status().reason())
                .startsWith("rule set 'loop' fired 100 rules for a single event or clock step and was stopped");

        engine.submit("fraud", List.of(tx("t1", "0:01", "a"), tx("t2", "0:02", "a"), tx("t3", "0:03", "a"), tx("t4", "0:04", "a")));
        engine.flush("fraud").join();
        assertThat(alerts).extracting(Alert::ruleSet).containsExactly("fraud");
    }

    @Test
    void thePerSecondAlertLimit_holdsForThePartitionsTogether() {
        var spray = PING + """
                rule "spray"
                when
                    $p : Ping()
                then
                    alerts.raise($p.getId(), "ping " + $p.getId());
                end
                """;
        engine.deploy(new RuleSetSource("flood", Map.of("x.drl", spray), RuleSetSettings.DEFAULTS
                .withAlertBudget(new AlertBudget(0, 3)).withPartitioning(Partitioning.by("id").withPartitions(4))));
        var pings = new ArrayList<ObjectNode>();
        for (int i = 1; i <= 3; i++) {
            pings.add(event("Ping", "0:00", "n", i).put("id", "p" + i));
        }
        engine.submit("flood", pings);
        engine.flush("flood").join();
        assertThat(engine.ruleSet("flood").orElseThrow().status()).as("three alerts in the second").isEqualTo(RuleSetStatus.RUNNING);

        engine.submit("flood", List.of(event("Ping", "0:00", "n", 4).put("id", "p4")));
        await().atMost(WAIT).until(() -> engine.ruleSet("flood").orElseThrow().status().state() == RuleSetStatus.State.FAILED);
        assertThat(engine.ruleSet("flood").orElseThrow().status().reason())
                .startsWith("rule set 'flood' raised more than 3 alerts within one second and was stopped");
    }

    @Test
    void aPartitionedReplay_isNotHeldToThePerSecondAlertLimit_asOneSessionsIsNot() {
        var spray = PING + """
                rule "spray"
                when
                    $p : Ping()
                then
                    alerts.raise($p.getId(), "ping " + $p.getId());
                end
                """;
        var source = new RuleSetSource("flood", Map.of("x.drl", spray), RuleSetSettings.DEFAULTS
                .withPartitioning(Partitioning.by("id").withPartitions(2)));
        var pings = new ArrayList<ObjectNode>();
        for (int i = 1; i <= 10; i++) {
            pings.add(event("Ping", "0:00", "n", i).put("id", "p" + i));
        }
        try (var replays = Engine.create(EngineConfig.defaults().withAlertBudget(new AlertBudget(1_000, 3)))) {
            assertThat(replays.replay(source, pings.iterator(), null).alerts()).hasSize(10);
        }
    }

    @Test
    void aRuleThatNeverReturnsInAPartition_failsTheRuleSetAtTheRuleTimeout_onTheEnginesTicker() {
        var nanos = new AtomicLong();
        var spin = PING + SPIN_FOREVER;
        try (var stepped = Engine.create(EngineConfig.defaults().withRuleTimeout(Duration.ofSeconds(10)).withTicker(nanos::get))) {
            stepped.deploy(source("loop", spin, Partitioning.by("n").withPartitions(2)));
            stepped.submit("loop", List.of(event("Ping", "0:00", "n", 1).put("id", "p1")));
            await("a partition inside the rule").atMost(WAIT).until(() -> inRuleCode("vigil-ruleset-loop-p"));

            nanos.addAndGet(Duration.ofSeconds(10).toNanos() - 1);
            stepped.checkRuleTimeouts();
            assertThat(stepped.ruleSet("loop").orElseThrow().status()).as("at 9.999999999 s").isEqualTo(RuleSetStatus.RUNNING);

            nanos.addAndGet(1);
            stepped.checkRuleTimeouts();
            await("at 10 s").atMost(WAIT)
                    .until(() -> stepped.ruleSet("loop").orElseThrow().status().state() == RuleSetStatus.State.FAILED);
            assertThat(stepped.ruleSet("loop").orElseThrow().status().reason())
                    .isEqualTo("rule 'spin forever' did not return for 10000 ms (an endless loop?); deploy a fixed version to bring the rule set back");
        }
    }

    /** Whether a thread whose name starts with {@code prefix} runs code compiled from the DRL of package {@code loop}. */
    private static boolean inRuleCode(String prefix) {
        return Thread.getAllStackTraces().entrySet().stream().filter(e -> e.getKey().getName().startsWith(prefix))
                .flatMap(e -> Arrays.stream(e.getValue())).anyMatch(frame -> frame.getClassName().startsWith("loop."));
    }
}
