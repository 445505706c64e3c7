package dev.vigil.engine;

import static dev.vigil.engine.RuleHarness.at;
import static dev.vigil.engine.TestRules.TRANSACTION;
import static dev.vigil.engine.TestRules.burst;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.AlertBudget;
import dev.vigil.engine.api.AlertFloodException;
import dev.vigil.engine.api.EngineConfig;
import dev.vigil.engine.api.EngineListener;
import dev.vigil.engine.api.RuleSetFailedException;
import dev.vigil.engine.api.RuleSetInfo;
import dev.vigil.engine.api.RuleSetSettings;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.engine.api.RuleSetStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A rule set that raises more alerts than its budget, for one event or within one second of the
 * wall clock, is failed like a rule that loops, naming the rule that raised the most; the others
 * keep running, and a fixed version brings it back.
 */
class AlertBudgetTest {
    private static final String PING = """
            package flood;
            declare Ping
                @role(event)
                @timestamp(time)
                @expires(1m)
                id : String
                time : long
                n : int
            end
            """;
    /** Raises {@code n} alerts for a ping, each about another key. */
    private static final String SPRAY = PING + """
            rule "spray"
            when
                $p : Ping()
            then
                for (int i = 0; i < $p.getN(); i++) {
                    alerts.raise($p.getId() + "-" + i, "alert " + i);
                }
            end
            """;

    private final TestClock wall = TestClock.at("2026-11-20T10:00:00Z");
    private final List<Alert> alerts = new CopyOnWriteArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final List<Engine> engines = new ArrayList<>();

    @AfterEach
    void close() {
        engines.forEach(Engine::close);
    }

    private Engine engine(AlertBudget budget) {
        return engine(EngineConfig.defaults().withClock(wall).withAlertBudget(budget).withListener(new EngineListener() {
            @Override
            public void onAlert(Alert alert) {
                alerts.add(alert);
            }

            @Override
            public void onRuleSetFailed(String ruleSet, int version, String reason) {
                failures.add(ruleSet + " v" + version + ": " + reason);
            }
        }));
    }

    private Engine engine(EngineConfig config) {
        var engine = Engine.create(config);
        engines.add(engine);
        return engine;
    }

    private static ObjectNode ping(String id, int n) {
        return RuleHarness.JSON.createObjectNode().put("type", "Ping").put("id", id).put("time", at("0:00").toString()).put("n", n);
    }

    private static ObjectNode tx(String id, String offset) {
        return RuleHarness.JSON.createObjectNode().put("type", "Transaction").put("id", id).put("time", at(offset).toString())
                .put("accountId", "a1").put("amount", 10.0);
    }

    private static RuleSetSource flood(String drl) {
        return RuleSetSource.of("flood", Map.of("flood.drl", drl));
    }

    private static RuleSetInfo live(Engine engine, String name) {
        return engine.ruleSet(name).orElseThrow();
    }

    private static void process(Engine engine, String name, ObjectNode... events) {
        engine.submit(name, List.of(events));
        engine.flush(name).join();
    }

    private long alertsOf(String ruleSet) {
        return alerts.stream().filter(a -> a.ruleSet().equals(ruleSet)).count();
    }

    @Test
    void anEventRaisingMoreThanThePerEventBudget_failsItsRuleSet_othersRun_andAFixedVersionBringsItBack() {
        var engine = engine(new AlertBudget(5, 1_000));
        engine.deploy(flood(SPRAY));
        engine.deploy(RuleSetSource.of("fraud", Map.of("x.drl", TRANSACTION + burst(5))));

        process(engine, "flood", ping("p1", 5));
        assertThat(live(engine, "flood").status()).as("at the budget").isEqualTo(RuleSetStatus.RUNNING);
        assertThat(alertsOf("flood")).isEqualTo(5);

        process(engine, "flood", ping("p2", 1_000_000));
        var status = live(engine, "flood").status();
        assertThat(status.state()).as("one over the budget").isEqualTo(RuleSetStatus.State.FAILED);
        assertThat(status.reason()).isEqualTo("rule set 'flood' raised more than 5 alerts for event 'p2' and was stopped"
                + " (its budget is 5 alerts per event); rule 'spray' raised the most: 6. Deploy a fixed version to bring the rule set back");
        // The status says FAILED before the listener is told.
        await().atMost(Duration.ofSeconds(10)).until(() -> !failures.isEmpty());
        assertThat(failures).containsExactly("flood v1: " + status.reason());
        assertThat(alertsOf("flood")).as("the event's alerts within the budget are kept").isEqualTo(10);
        assertThat(live(engine, "flood").stats().alertsOverBudget()).as("every alert the budget kept out").isEqualTo(1_000_000 - 5);
        assertThatThrownBy(() -> engine.submit("flood", List.of(ping("p3", 1))))
                .isInstanceOf(RuleSetFailedException.class).hasMessageContaining("rule set 'flood' is failed: rule set 'flood' raised");

        for (int i = 1; i <= 6; i++) {
            engine.submit("fraud", List.of(tx("t" + i, "0:0" + i)));
        }
        engine.flush("fraud").join();
        assertThat(alertsOf("fraud")).isEqualTo(1);

        engine.deploy(flood(SPRAY.replace("i < $p.getN()", "i < Math.min($p.getN(), 2)")));
        process(engine, "flood", ping("p4", 1_000_000));
        assertThat(live(engine, "flood").status()).isEqualTo(RuleSetStatus.RUNNING);
        assertThat(alertsOf("flood")).isEqualTo(12);
    }

    @Test
    void theReason_namesTheRuleThatRaisedTheMost_notTheOneThatRaisedTheLast() {
        var engine = engine(new AlertBudget(5, 1_000));
        engine.deploy(flood(PING + """
                rule "many"
                    salience 10
                when
                    $p : Ping()
                then
                    for (int i = 0; i < 4; i++) {
                        alerts.raise("many-" + i, "many");
                    }
                end
                rule "few"
                when
                    $p : Ping()
                then
                    for (int i = 0; i < 2; i++) {
                        alerts.raise("few-" + i, "few");
                    }
                end
                """));

        process(engine, "flood", ping("p1", 0));

        assertThat(live(engine, "flood").status().reason()).contains("rule 'many' raised the most: 4.");
    }

    @Test
    void alertsOfTimePassing_countPerSecondOnly() {
        var engine = engine(new AlertBudget(1, 1_000));
        engine.deploy(RuleSetSource.of("mon", Map.of("x.drl", TestRules.NO_LOGOUT)));
        var logins = new ArrayList<ObjectNode>();
        for (int i = 0; i < 3; i++) {
            logins.add(RuleHarness.JSON.createObjectNode().put("type", "Login").put("time", at("0:00").toString()).put("user", "u" + i));
        }
        engine.submit("mon", logins);
        engine.submit("mon", List.of(RuleHarness.JSON.createObjectNode().put("type", "Login").put("time", at("6:00").toString())
                .put("user", "later")));
        engine.flush("mon").join();

        assertThat(live(engine, "mon").status()).as("three absences at one clock step, not for one event").isEqualTo(RuleSetStatus.RUNNING);
        assertThat(alertsOf("mon")).isEqualTo(3);
    }

    @Test
    void thePerSecondBudget_countsWithinOneSecondOfTheWallClock() {
        var engine = engine(new AlertBudget(1_000, 3));
        engine.deploy(flood(SPRAY));

        wall.set(Instant.parse("2026-11-20T10:00:00.999Z"));
        process(engine, "flood", ping("a1", 1), ping("a2", 1), ping("a3", 1));
        assertThat(live(engine, "flood").status()).as("3 alerts at 10:00:00.999").isEqualTo(RuleSetStatus.RUNNING);
        wall.set(Instant.parse("2026-11-20T10:00:01.000Z"));
        process(engine, "flood", ping("b1", 1), ping("b2", 1), ping("b3", 1));
        assertThat(live(engine, "flood").status()).as("3 more at 10:00:01.000, a new second").isEqualTo(RuleSetStatus.RUNNING);

        process(engine, "flood", ping("b4", 1));

        assertThat(live(engine, "flood").status().reason()).isEqualTo("rule set 'flood' raised more than 3 alerts within one second"
                + " and was stopped (its budget is 3 alerts per second); rule 'spray' raised the most: 4."
                + " Deploy a fixed version to bring the rule set back");
        assertThat(alertsOf("flood")).isEqualTo(6);
    }

    @Test
    void eventsReplayedFromTheJournal_doNotCountPerSecond_liveOnesDo() throws Exception {
        var engine = engine(new AlertBudget(1_000, 3));
        engine.deploy(flood(SPRAY));
        var journaled = new ArrayList<ObjectNode>();
        for (int i = 0; i < 10; i++) {
            journaled.add(ping("j" + i, 1));
        }

        var recovery = engine.recover("flood", new ListJournal(journaled), Duration.ofDays(1));
        assertThat(recovery.replayed()).isEqualTo(10);
        assertThat(live(engine, "flood").status()).isEqualTo(RuleSetStatus.RUNNING);
        assertThat(alertsOf("flood")).isEqualTo(10);

        process(engine, "flood", ping("l1", 1), ping("l2", 1), ping("l3", 1), ping("l4", 1));
        assertThat(live(engine, "flood").status().state()).isEqualTo(RuleSetStatus.State.FAILED);
    }

    @Test
    void aRuleSetsOwnBudget_appliesBelowTheEngines_andIsCappedByIt() {
        var engine = engine(new AlertBudget(5, 1_000));
        var settings = RuleSetSettings.DEFAULTS;

        engine.deploy(flood(SPRAY).withSettings(settings.withAlertBudget(new AlertBudget(100, 0))));
        assertThat(live(engine, "flood").alertBudget()).isEqualTo(new AlertBudget(5, 1_000));
        engine.deploy(flood(SPRAY).withSettings(settings.withAlertBudget(new AlertBudget(2, 0))));
        assertThat(live(engine, "flood").alertBudget()).as("a new version takes its own").isEqualTo(new AlertBudget(2, 1_000));

        process(engine, "flood", ping("p1", 3));

        assertThat(live(engine, "flood").status().reason()).contains("more than 2 alerts for event 'p1'");
    }

    @Test
    void aReplay_keepsThePerEventBudget_butNotThePerSecondOne() {
        var engine = engine(AlertBudget.DEFAULTS);
        var source = flood(SPRAY).withSettings(RuleSetSettings.DEFAULTS.withAlertBudget(new AlertBudget(5, 3)));
        var fifty = new ArrayList<ObjectNode>();
        for (int i = 0; i < 50; i++) {
            fifty.add(ping("r" + i, 1));
        }

        assertThat(engine.replay(source, fifty.iterator(), null).alerts()).as("faster than 3 a second").hasSize(50);
        assertThatThrownBy(() -> engine.replay(source, List.of(ping("r", 6)).iterator(), null))
                .isInstanceOf(AlertFloodException.class).hasMessageContaining("more than 5 alerts for event 'r'");
    }

    @Test
    void aRuleSetDeployedAsFailed_takesNoEvents_untilAnotherVersionIsDeployed() {
        var engine = engine(AlertBudget.DEFAULTS);

        var deployment = engine.deployFailed(flood(SPRAY), 3, "it flooded");

        assertThat(deployment.version()).isEqualTo(3);
        assertThat(live(engine, "flood").status()).isEqualTo(RuleSetStatus.failed("it flooded"));
        assertThat(live(engine, "flood").stats().version()).isEqualTo(3);
        assertThat(engine.flush("flood").join().eventsProcessed()).isZero();
        assertThatThrownBy(() -> engine.submit("flood", List.of(ping("p1", 1))))
                .isInstanceOf(RuleSetFailedException.class).hasMessage("rule set 'flood' is failed: it flooded");
        assertThat(failures).as("not a new failure").isEmpty();

        engine.deploy(flood(SPRAY));
        process(engine, "flood", ping("p2", 1));
        assertThat(live(engine, "flood").stats().version()).isEqualTo(4);
        assertThat(alertsOf("flood")).isEqualTo(1);
    }

    @Test
    void aListenerThatHoldsTheWorkerUp_isNotTakenForAStuckRule_andAStopDoesNotWaitForItPastItsGrace() throws Exception {
        var held = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var processed = new AtomicLong();
        var engine = engine(EngineConfig.defaults().withRuleTimeout(Duration.ofMillis(200)).withListener(new EngineListener() {
            @Override
            public void onProcessed(String ruleSet, int events, long waitedNanos, long processingNanos) {
                processed.addAndGet(events);
            }

            @Override
            public void onAlert(Alert alert) {
                held.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }));
        engine.deploy(flood(SPRAY));
        engine.submit("flood", List.of(ping("p1", 1)));
        held.await();
        await("held up for five rule timeouts and more, still running").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> live(engine, "flood").status().equals(RuleSetStatus.RUNNING));

        for (int i = 0; i < 1_000; i++) {
            engine.submit("flood", List.of(ping("q" + i, 1)));
        }
        long started = System.nanoTime();
        engine.close(Duration.ofMillis(300));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        assertThat(engine.ruleSet("flood")).as("stopped").isEmpty();
        assertThat(processed.get()).as("the queue left behind").isLessThan(1_000);
    }
}
