package dev.vigil.engine;

import static dev.vigil.engine.RuleHarness.T0;
import static dev.vigil.engine.RuleHarness.at;
import static dev.vigil.engine.RuleHarness.event;
import static dev.vigil.engine.TestRules.NO_LOGOUT;
import static dev.vigil.engine.TestRules.RUNAWAY;
import static dev.vigil.engine.TestRules.TRANSACTION;
import static dev.vigil.engine.TestRules.burst;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.ClockMode;
import dev.vigil.engine.api.Diagnostic;
import dev.vigil.engine.api.EngineConfig;
import dev.vigil.engine.api.EngineListener;
import dev.vigil.engine.api.Event;
import dev.vigil.engine.api.QueueFullException;
import dev.vigil.engine.api.RuleError;
import dev.vigil.engine.api.RuleSetCompilationException;
import dev.vigil.engine.api.RuleSetFailedException;
import dev.vigil.engine.api.RuleSetInfo;
import dev.vigil.engine.api.RuleSetSettings;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.engine.api.RuleSetStats;
import dev.vigil.engine.api.RuleSetStatus;
import dev.vigil.engine.api.AlertContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real {@link Engine} with its worker threads: redeploys in the middle of a window, failures
 * that stay inside one rule set, concurrent submitters, a bounded queue, and time that passes
 * with the injected wall clock when no event arrives.
 */
class EngineLiveTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final TestClock clock = new TestClock(T0);
    private final List<Alert> alerts = new CopyOnWriteArrayList<>();
    private final List<RuleError> ruleErrors = new CopyOnWriteArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final List<Event> lateEvents = new CopyOnWriteArrayList<>();
    private final Engine engine = Engine.create(EngineConfig.defaults()
            .withClock(clock)
            .withListener(new EngineListener() {
                @Override
                public void onAlert(Alert alert) {
                    alerts.add(alert);
                }

                @Override
                public void onRuleError(RuleError error) {
                    ruleErrors.add(error);
                }

                @Override
                public void onLateEvent(String ruleSet, Event event, long watermark, boolean inserted) {
                    lateEvents.add(event);
                }

                @Override
                public void onRuleSetFailed(String ruleSet, String reason) {
                    failures.add(ruleSet + ": " + reason);
                }
            })
            .withTick(Duration.ofMillis(10)));

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    /** The alerts global declared by hand, which works as well as the one the engine adds. */
    private static final String ALERTS_GLOBAL = "global dev.vigil.engine.alert.Alerts alerts;\n";

    private static RuleSetSource fraud(String drl) {
        return RuleSetSource.of("fraud", Map.of("x.drl", drl));
    }

    private static ObjectNode tx(String id, String offset, String account) {
        return tx(id, at(offset), account);
    }

    private static ObjectNode tx(String id, Instant time, String account) {
        return RuleHarness.JSON.createObjectNode().put("type", "Transaction").put("id", id).put("time", time.toString())
                .put("accountId", account).put("amount", 10.0);
    }

    private void send(String ruleSet, ObjectNode... events) {
        engine.submit(ruleSet, List.of(events));
    }

    /** Completes after everything submitted before it is processed; the counters as of then. */
    private RuleSetStats flush(String ruleSet) {
        return engine.flush(ruleSet).join();
    }

    /**
     * The counters after the worker has let time pass at least once since this call: the worker
     * completes a flush, then lets time pass before it takes the next command, so the second
     * flush completes after a pass that read the wall clock as it is now.
     */
    private RuleSetStats afterTimePassed(String ruleSet) {
        flush(ruleSet);
        return flush(ruleSet);
    }

    private RuleSetInfo live(String ruleSet) {
        return engine.ruleSet(ruleSet).orElseThrow();
    }

    /** The 1-based line of {@code text} where {@code part} first appears. */
    private static int lineOf(String text, String part) {
        return (int) text.substring(0, text.indexOf(part)).chars().filter(c -> c == '\n').count() + 1;
    }

    private static long millis(String offset) {
        return at(offset).toEpochMilli();
    }

    @Test
    void redeploy_inTheMiddleOfAWindow_countsTheEventsFromBeforeTheDeploy() {
        engine.deploy(fraud(TRANSACTION + ALERTS_GLOBAL + burst(5)));
        send("fraud", tx("e1", "0:00", "a1"), tx("e2", "0:10", "a1"), tx("e3", "0:20", "a1"));
        flush("fraud");

        var deployment = engine.deploy(fraud(TRANSACTION + burst(4)));
        assertThat(deployment.version()).isEqualTo(2);
        assertThat(deployment.carriedFacts()).isZero();
        assertThat(engine.ruleSet("fraud").orElseThrow().stats().version()).as("the stats right after the deploy").isEqualTo(2);

        send("fraud", tx("e4", "0:30", "a1"));
        flush("fraud");
        assertThat(alerts).isEmpty();

        send("fraud", tx("e5", "0:40", "a1"));
        var stats = flush("fraud");
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.version()).isEqualTo(2);
            assertThat(a.key()).isEqualTo("a1");
            assertThat(a.message()).isEqualTo("more than 4 transactions in 60 s");
            assertThat(a.eventTime()).isEqualTo(at("0:40"));
            assertThat(a.context()).isEqualTo(new AlertContext(5, List.of("e1", "e2", "e3", "e4", "e5")));
        });
        assertThat(stats.eventsProcessed()).isEqualTo(5);
        assertThat(stats.version()).isEqualTo(2);
    }

    @Test
    void redeploy_ofACosmeticallyChangedVersion_doesNotRaiseAnAlertAgain() {
        engine.deploy(fraud(TRANSACTION + ALERTS_GLOBAL + burst(5)));
        for (int i = 1; i <= 6; i++) {
            send("fraud", tx("e" + i, "0:0" + i, "a1"));
        }
        var before = flush("fraud");
        assertThat(alerts).hasSize(1);

        engine.deploy(fraud(TRANSACTION + ALERTS_GLOBAL + burst(5).replace("more than 5 transactions", "over 5 transactions")));
        var after = flush("fraud");

        assertThat(alerts).hasSize(1);
        assertThat(after.alerts()).isEqualTo(1);
        assertThat(after.duplicates()).as("the changed rule matched again and its alert was recognized")
                .isGreaterThan(before.duplicates());

        send("fraud", tx("e7", "0:07", "a1"));
        flush("fraud");
        assertThat(alerts).hasSize(2);
        assertThat(alerts.get(1).version()).isEqualTo(2);
        assertThat(alerts.get(1).message()).isEqualTo("over 5 transactions in 60 s");
        assertThat(alerts).extracting(Alert::id).doesNotHaveDuplicates();
    }

    @Test
    void deploy_ofAVersionThatDoesNotCompile_changesNothing() {
        engine.deploy(fraud(TRANSACTION + ALERTS_GLOBAL + burst(5)));
        send("fraud", tx("e1", "0:00", "a1"), tx("e2", "0:10", "a1"), tx("e3", "0:20", "a1"));
        var misspelt = TRANSACTION + burst(5).replace("accountId == $acc", "acount == $acc");

        assertThatThrownBy(() -> engine.deploy(fraud(misspelt)))
                .isInstanceOfSatisfying(RuleSetCompilationException.class, e -> assertThat(e.diagnostics())
                        .singleElement()
                        .satisfies(d -> {
                            assertThat(d.level()).isEqualTo(Diagnostic.Level.ERROR);
                            assertThat(d.file()).isEqualTo("x.drl");
                            assertThat(d.line()).isEqualTo(lineOf(misspelt, "acount"));
                            assertThat(d.message()).contains(
                                    "unable to resolve method using strict-mode: fraud.Transaction.acount()");
                        }));

        var live = live("fraud");
        assertThat(live.status()).isEqualTo(RuleSetStatus.RUNNING);
        send("fraud", tx("e4", "0:30", "a1"), tx("e5", "0:40", "a1"));
        flush("fraud");
        assertThat(alerts).isEmpty();

        send("fraud", tx("e6", "0:50", "a1"));
        var stats = flush("fraud");
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.version()).isEqualTo(1);
            assertThat(a.context()).isEqualTo(new AlertContext(6, List.of("e2", "e3", "e4", "e5", "e6")));
        });
        assertThat(stats.version()).isEqualTo(1);
        assertThat(stats.eventsProcessed()).isEqualTo(6);
        assertThat(engine.deploy(fraud(TRANSACTION + burst(4))).version()).isEqualTo(2);
    }

    @Test
    void redeploy_ofAVersionThatDeclaresNothing_runs_andTheFullVersionComesBack() {
        engine.deploy(fraud(TRANSACTION + burst(5)));
        send("fraud", tx("e1", "0:00", "a1"));
        flush("fraud");

        assertThat(engine.deploy(fraud("package fr;\n")).version()).isEqualTo(2);
        assertThat(flush("fraud").status()).isEqualTo(RuleSetStatus.RUNNING);
        assertThat(live("fraud").eventTypes()).isEmpty();

        engine.deploy(fraud(TRANSACTION + burst(5)));
        for (int i = 2; i <= 7; i++) {
            send("fraud", tx("e" + i, "0:0" + i, "a1"));
        }
        assertThat(flush("fraud").status()).isEqualTo(RuleSetStatus.RUNNING);
        assertThat(alerts).hasSize(1);
    }

    @Test
    void redeploy_thatChangesAFieldsType_isRefusedAndChangesNothing() {
        engine.deploy(fraud(TRANSACTION + burst(5)));
        send("fraud", tx("e1", "0:00", "a1"), tx("e2", "0:10", "a1"), tx("e3", "0:20", "a1"));
        flush("fraud");

        assertThatThrownBy(() -> engine.deploy(fraud(TRANSACTION.replace("amount : double", "amount : String") + burst(5))))
                .isInstanceOfSatisfying(RuleSetCompilationException.class, e -> assertThat(e.diagnostics())
                        .singleElement()
                        .satisfies(d -> assertThat(d.message()).isEqualTo("declared type fraud.Transaction: field 'amount'"
                                + " changes type from double to java.lang.String; the instances in working memory cannot be"
                                + " carried over. Add a field with a new name instead, or undeploy the rule set and deploy it"
                                + " again (its windows start empty)")));

        send("fraud", tx("e4", "0:30", "a1"), tx("e5", "0:40", "a1"));
        assertThat(flush("fraud").factCount()).isEqualTo(5);
        assertThat(alerts).isEmpty();
        send("fraud", tx("e6", "0:50", "a1"));
        var stats = flush("fraud");
        assertThat(alerts).singleElement().satisfies(a -> assertThat(a.version()).isEqualTo(1));
        assertThat(stats.version()).isEqualTo(1);
    }

    @Test
    void manyThreadsSubmittingAtOnce_loseNoEventAndCorruptNothing() throws Exception {
        int threads = 8;
        int perThread = 2_000;
        int perAccount = 5;
        engine.deploy(fraud(TRANSACTION + burst(perAccount - 1)).withSettings(
                RuleSetSettings.DEFAULTS.withAllowedLateness(Duration.ofMinutes(1))));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        var start = new CountDownLatch(1);
        var submitters = new ArrayList<Future<?>>();
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                submitters.add(pool.submit(() -> {
                    start.await();
                    // Each thread's events are 1 ms apart and all within 2 s: the minute of allowed
                    // lateness puts them in order however the threads interleave.
                    for (int i = 0; i < perThread; i++) {
                        send("fraud", tx("t" + thread + "-" + i, T0.plusMillis(i), "t" + thread + "-a" + i / perAccount));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (var submitter : submitters) {
                submitter.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        var stats = flush("fraud");
        assertThat(stats.eventsProcessed()).isEqualTo(threads * perThread);
        assertThat(stats.lateEvents()).isZero();
        assertThat(lateEvents).isEmpty();

        // Idle for 61 s: the watermark passes every event and they go into the session in order.
        clock.advance(Duration.ofSeconds(61));
        await().atMost(WAIT).until(() -> live("fraud").stats().buffered() == 0);
        stats = flush("fraud");
        int accounts = threads * perThread / perAccount;
        assertThat(alerts).hasSize(accounts);
        assertThat(alerts).extracting(Alert::id).doesNotHaveDuplicates();
        assertThat(alerts).extracting(Alert::key).doesNotHaveDuplicates();
        assertThat(alerts).allSatisfy(a -> assertThat(a.context().events()).isEqualTo(perAccount));
        assertThat(stats.factCount()).isEqualTo(threads * perThread);

        // A minute later every event has left its window, and none is stuck in working memory.
        clock.advance(Duration.ofSeconds(60));
        await().atMost(WAIT).until(() -> live("fraud").stats().factCount() == 0);
        assertThat(alerts).hasSize(accounts);
    }

    @Test
    void submission_largerThanTheQueue_isRefusedWholeWithQueueFull() {
        engine.deploy(fraud(TRANSACTION + burst(5)).withSettings(RuleSetSettings.DEFAULTS.withQueueCapacity(3)));

        assertThatThrownBy(() -> send("fraud", tx("e1", "0:00", "a1"), tx("e2", "0:01", "a1"), tx("e3", "0:02", "a1"),
                tx("e4", "0:03", "a1")))
                .isInstanceOf(QueueFullException.class)
                .hasMessage("rule set 'fraud' cannot take 4 events at once: its queue holds 3; send them in smaller batches");
        assertThat(flush("fraud").eventsProcessed()).isZero();

        send("fraud", tx("e1", "0:00", "a1"), tx("e2", "0:01", "a1"), tx("e3", "0:02", "a1"));
        assertThat(flush("fraud").eventsProcessed()).isEqualTo(3);
    }

    @Test
    void ruleSetThatFiresWithoutEnd_isStoppedAndOthersKeepRunning() {
        engine.deploy(RuleSetSource.of("loop", Map.of("x.drl", RUNAWAY)));
        engine.deploy(fraud(TRANSACTION + burst(5)));

        send("loop", event("Ping", "0:00"));

        await().atMost(WAIT).until(() -> live("loop").status().state() == RuleSetStatus.State.FAILED);
        var reason = live("loop").status().reason();
        assertThat(reason).contains("fired 10000 rules for a single event or clock step", "'spin'", "without end");
        // The status says FAILED before the listener is told.
        await().atMost(WAIT).until(() -> !failures.isEmpty());
        assertThat(failures).containsExactly("loop: " + reason);
        assertThatThrownBy(() -> send("loop", event("Ping", "0:01")))
                .isInstanceOf(RuleSetFailedException.class)
                .hasMessageContaining("rule set 'loop' is failed");

        for (int i = 1; i <= 6; i++) {
            send("fraud", tx("e" + i, "0:0" + i, "a1"));
        }
        flush("fraud");
        assertThat(alerts).singleElement().satisfies(a -> assertThat(a.ruleSet()).isEqualTo("fraud"));
    }

    @Test
    void throwingConsequence_isReportedAndTheSessionKeepsRunning() {
        engine.deploy(fraud(TRANSACTION + burst(5) + """
                rule "refuse negative amounts"
                when
                    Transaction(amount < 0)
                then
                    throw new IllegalStateException("boom");
                end
                """));

        send("fraud", event("Transaction", "0:00", "accountId", "a1", "amount", -1.0));
        var stats = flush("fraud");
        assertThat(ruleErrors).singleElement().isEqualTo(
                new RuleError("fraud", "refuse negative amounts", "java.lang.IllegalStateException: boom", at("0:00")));
        assertThat(stats.ruleErrors()).isEqualTo(1);
        assertThat(live("fraud").status()).isEqualTo(RuleSetStatus.RUNNING);

        for (int i = 1; i <= 5; i++) {
            send("fraud", tx("e" + i, "0:0" + i, "a1"));
        }
        flush("fraud");
        assertThat(alerts).singleElement().satisfies(a -> assertThat(a.eventTime()).isEqualTo(at("0:05")));
        assertThat(ruleErrors).hasSize(1);
    }

    @Test
    void withNoEventsArriving_theWatermarkFollowsTheWallClockOnceIdleForTheIdleTimeout() {
        engine.deploy(RuleSetSource.of("access", Map.of("x.drl", NO_LOGOUT)));
        send("access", event("Login", "0:00", "user", "u1"));
        flush("access");

        clock.set(at("0:00.999"));
        assertThat(afterTimePassed("access").watermark()).isEqualTo(millis("0:00"));

        clock.set(at("0:01"));
        assertThat(afterTimePassed("access").watermark()).isEqualTo(millis("0:01"));
    }

    @Test
    void withNoEventsArriving_anAbsenceRuleFiresAtItsDeadlineOnTheWallClock() {
        engine.deploy(RuleSetSource.of("access", Map.of("x.drl", NO_LOGOUT)));
        send("access", event("Login", "0:00", "user", "u1"));
        flush("access");

        clock.set(at("4:59.999"));
        var stats = afterTimePassed("access");
        assertThat(stats.watermark()).isEqualTo(millis("4:59.999"));
        assertThat(stats.clock()).isEqualTo(millis("4:59.999"));
        assertThat(alerts).isEmpty();

        clock.set(at("5:00"));
        await().atMost(WAIT).until(() -> !alerts.isEmpty());
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.key()).isEqualTo("u1");
            assertThat(a.eventTime()).isEqualTo(at("5:00"));
            assertThat(a.firedAt()).isEqualTo(at("5:00"));
        });
    }

    @Test
    void realtimeClock_anEventThatMatchesRaisesAnAlert() {
        engine.deploy(RuleSetSource.of("large", Map.of("x.drl", TRANSACTION + """
                rule "large"
                when
                    Transaction($acc : accountId, amount > 1000)
                then
                    alerts.raise($acc, "large transaction");
                end
                """)).withSettings(RuleSetSettings.DEFAULTS.withClockMode(ClockMode.REALTIME)));

        send("large", untimed("a1", 1000.0));
        flush("large");
        assertThat(alerts).isEmpty();

        send("large", untimed("a2", 1000.01));
        flush("large");
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.key()).isEqualTo("a2");
            assertThat(a.rule()).isEqualTo("large");
            assertThat(a.firedAt()).isEqualTo(T0);
        });
    }

    /** A transaction without a time: it happens when it arrives. */
    private static ObjectNode untimed(String account, double amount) {
        return RuleHarness.JSON.createObjectNode().put("type", "Transaction").put("accountId", account).put("amount", amount);
    }

    @Test
    void undeploy_stopsTheRuleSetAndLaterSubmissionsFail() {
        engine.deploy(fraud(TRANSACTION + burst(5)));
        assertThat(engine.eventTypes()).containsOnlyKeys("fraud");
        assertThat(engine.eventTypes().get("fraud")).extracting(t -> t.name()).containsExactly("Transaction");

        assertThat(engine.undeploy("fraud")).isTrue();

        assertThat(engine.ruleSet("fraud")).isEmpty();
        await().atMost(WAIT).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("vigil-ruleset-fraud")));
        assertThat(engine.eventTypes()).isEmpty();
        assertThatThrownBy(() -> send("fraud", tx("e1", "0:00", "a1")))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessage("no rule set named 'fraud' is deployed");
        assertThat(engine.undeploy("fraud")).isFalse();
    }
}
