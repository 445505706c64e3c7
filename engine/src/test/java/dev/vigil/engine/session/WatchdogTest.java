package dev.vigil.engine.session;

import static dev.vigil.engine.RuleHarness.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.engine.RuleHarness;
import dev.vigil.engine.TestClock;
import dev.vigil.engine.TestRules;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.AlertBudget;
import dev.vigil.engine.api.EngineListener;
import dev.vigil.engine.api.EventTimeBounds;
import dev.vigil.engine.api.ReplayOrder;
import dev.vigil.engine.api.ReplayResult;
import dev.vigil.engine.api.RuleSetSettings;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.engine.api.RuleSetStatus;
import dev.vigil.engine.api.RuleTestReport;
import dev.vigil.engine.api.RuleTimeoutException;
import dev.vigil.engine.api.RunawayRulesException;
import dev.vigil.engine.replay.ProgressCounters;
import dev.vigil.engine.replay.Replay;
import dev.vigil.engine.ruleset.CompiledRuleSet;
import dev.vigil.engine.ruleset.RuleSetCompiler;
import dev.vigil.engine.ruletest.RuleTests;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The rule timeout and the firing limit hold for every session, not only live ones: a replay or a
 * rule test whose rule loops is stopped, naming the rule set and the rule, while the caller's
 * thread goes on. The watchdog runs on a ticker the tests step, so each boundary is checked on
 * both sides: still running one nanosecond before the timeout, stopped at it.
 */
class WatchdogTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String SPIN = """
            rule "spin forever"
            when
                $p : Ping(n > 0)
            then
                long i = $p.getN();
                while (i > 0) {
                    i = (i % 1000) + 1;
                }
            end
            """;

    private final AtomicLong nanos = new AtomicLong();
    private final Watchdog watchdog = Watchdog.stepped(TIMEOUT, nanos::get);

    private static JsonNode ping(String id, String offset, int n) {
        return RuleHarness.JSON.createObjectNode().put("type", "Ping").put("id", id).put("time", at(offset).toString()).put("n", n);
    }

    private static RuleSetSource loop(String rules) {
        return RuleSetSource.of("loop", Map.of("loop.drl", TestRules.PING + rules));
    }

    private static CompiledRuleSet compile(RuleSetSource source) {
        return new RuleSetCompiler().compile(source);
    }

    private CompletableFuture<ReplayResult> replayInBackground(RuleSetSource source, List<JsonNode> events) {
        var compiled = compile(source);
        return CompletableFuture.supplyAsync(() -> Replay.run(compiled, events.iterator(), null, new TestClock(RuleHarness.T0), watchdog));
    }

    /** Waits until a thread whose name starts with {@code prefix} runs a method {@code frame} names ("Class." or ".method"). */
    private static void awaitRunning(String prefix, String frame) {
        await().atMost(WAIT).until(() -> Thread.getAllStackTraces().entrySet().stream()
                .anyMatch(e -> e.getKey().getName().startsWith(prefix)
                        && Arrays.stream(e.getValue()).anyMatch(f -> (f.getClassName() + "." + f.getMethodName()).contains(frame))));
    }

    /** Waits until the replay or rule test of rule set "loop" runs the consequence of {@code rule} (Drools' class Rule_name...). */
    private static void awaitInRule(String rule) {
        awaitRunning("vigil-session-loop", ".Rule_" + rule.replace(' ', '_'));
    }

    private static boolean threadAlive(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith(prefix));
    }

    private void stepTo(Duration sinceStart) {
        nanos.set(sinceStart.toNanos());
        watchdog.check();
    }

    @Test
    void aReplayWhoseConsequenceNeverReturns_isStoppedAtTheRuleTimeout_notBefore_namingRuleSetAndRule() {
        var replay = replayInBackground(loop(SPIN), List.of(ping("p1", "0:00", 0), ping("p2", "0:01", 1)));
        awaitInRule("spin forever");

        stepTo(TIMEOUT.minusNanos(1));
        assertThat(replay).as("one nanosecond before the timeout").isNotDone();

        stepTo(TIMEOUT);
        assertThatThrownBy(replay::join).isInstanceOf(CompletionException.class).cause()
                .isInstanceOf(RuleTimeoutException.class)
                .hasMessage("rule 'spin forever' of rule set 'loop' did not return for 1000 ms (an endless loop?), and its session was stopped");
        await().atMost(WAIT).until(() -> !threadAlive("vigil-session-loop"));
    }

    @Test
    void aReplayWhoseConsequenceAllocatesInALoop_isStoppedToo() {
        var replay = replayInBackground(loop("""
                rule "hoard"
                when
                    Ping(n > 0)
                then
                    java.util.List<String> kept = new java.util.ArrayList<>();
                    while (kept.size() >= 0) {
                        kept.add("x" + kept.size());
                        if (kept.size() > 10000) {
                            kept.clear();
                        }
                    }
                end
                """), List.of(ping("p1", "0:00", 1)));
        awaitInRule("hoard");

        stepTo(TIMEOUT);

        assertThatThrownBy(replay::join).cause().isInstanceOf(RuleTimeoutException.class)
                .hasMessageStartingWith("rule 'hoard' of rule set 'loop' did not return for 1000 ms");
    }

    @Test
    void aRuleThatFiresItselfAgainForever_isStoppedByTheFiringLimit_namingIt() {
        var refires = loop("""
                rule "again"
                when
                    $p : Ping(n > 0)
                then
                    modify($p) { setN($p.getN() + 1) };
                end
                """).withSettings(RuleSetSettings.DEFAULTS.withMaxFiringsPerStep(1_000));

        assertThatThrownBy(() -> Replay.run(compile(refires), List.of(ping("p1", "0:00", 1)).iterator(), null,
                new TestClock(RuleHarness.T0), watchdog))
                .isInstanceOf(RunawayRulesException.class)
                .hasMessageStartingWith("rule set 'loop' fired 1000 rules for a single event or clock step and was stopped;"
                        + " the last rule to fire was 'again'");
    }

    @Test
    void aRuleThatFiresItselfAgainForever_withoutAFiringLimitToSpeakOf_isStoppedByTheTimeout() {
        var refires = loop("""
                rule "again"
                when
                    $p : Ping(n > 0)
                then
                    modify($p) { setN($p.getN() + 1) };
                end
                """).withSettings(RuleSetSettings.DEFAULTS.withMaxFiringsPerStep(RuleSetSettings.MAX_FIRINGS_PER_STEP));
        var replay = replayInBackground(refires, List.of(ping("p1", "0:00", 1)));
        awaitRunning("vigil-session-loop", ".fireAllRules");

        stepTo(TIMEOUT);

        assertThatThrownBy(replay::join).cause().isInstanceOf(RuleTimeoutException.class).hasMessageContaining("rule set 'loop'")
                .hasMessageContaining("did not return for 1000 ms");
    }

    @Test
    void aReplayWaitingForItsInput_isNotStopped() {
        var events = new LinkedBlockingQueue<JsonNode>();
        var end = ping("end", "0:00", -1);
        var input = new Iterator<JsonNode>() {
            JsonNode next;

            @Override
            public boolean hasNext() {
                next = next != null ? next : take();
                return next != end;
            }

            @Override
            public JsonNode next() {
                var out = next;
                next = null;
                return out;
            }

            private JsonNode take() {
                try {
                    return events.take();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        var compiled = compile(loop(SPIN));
        var replay = CompletableFuture.supplyAsync(() -> Replay.run(compiled, input, null, new TestClock(RuleHarness.T0), watchdog));
        events.add(ping("p1", "0:00", 0));
        await().atMost(WAIT).until(() -> threadAlive("vigil-session-loop"));

        stepTo(TIMEOUT.multipliedBy(10));
        events.add(end);

        assertThat(replay.join().stats().events()).isEqualTo(1);
    }

    @Test
    void aLiveRuleSetWhoseConsequenceNeverReturns_failsAtTheRuleTimeout_notBefore() {
        var failures = new CopyOnWriteArrayList<String>();
        var live = new LiveRuleSet(compile(loop(SPIN)), 1, new TestClock(RuleHarness.T0), new EngineListener() {
            @Override
            public void onRuleSetFailed(String ruleSet, String reason) {
                failures.add(reason);
            }
        }, Duration.ofMillis(50), Long.MAX_VALUE, AlertBudget.DEFAULTS, EventTimeBounds.LIVE, RuleSetStatus.RUNNING, watchdog);
        try {
            live.submit(List.of(live.decoder().decode(ping("p1", "0:00", 1), 0)));
            awaitRunning("vigil-ruleset-loop", ".Rule_spin_forever");

            stepTo(TIMEOUT.minusNanos(1));
            assertThat(live.status()).isEqualTo(RuleSetStatus.RUNNING);

            stepTo(TIMEOUT);
            assertThat(live.status().state()).isEqualTo(RuleSetStatus.State.FAILED);
            assertThat(failures).containsExactly("rule 'spin forever' did not return for 1000 ms (an endless loop?); "
                    + "deploy a fixed version to bring the rule set back");
        } finally {
            live.close();
        }
    }

    @Test
    void ruleTests_aLoopingCaseFailsWithTheReason_theCasesAfterItAreNotRun_andTheOnesBeforeItPass() {
        var source = loop(SPIN + """
                rule "ping"
                when
                    Ping(n == 0, $id : id)
                then
                    alerts.raise($id, "pinged");
                end
                """);
        var cases = RuleTests.parse("loop.test.yaml", """
                name: a quiet ping
                events:
                  - {at: 0s, type: Ping, n: 0}
                expect:
                  - {rule: ping}
                ---
                name: a ping that spins
                events:
                  - {at: 0s, type: Ping, n: 1}
                exactly: true
                ---
                name: after the spin
                events:
                  - {at: 0s, type: Ping, n: 0}
                expect:
                  - {rule: ping}
                """);
        var report = CompletableFuture.supplyAsync(() -> RuleTests.run(source, cases, watchdog));
        awaitInRule("spin forever");

        stepTo(TIMEOUT);

        assertThat(report.join().cases()).extracting(RuleTestReport.CaseResult::name, RuleTestReport.CaseResult::passed,
                        RuleTestReport.CaseResult::failures)
                .containsExactly(
                        tuple("a quiet ping", true, List.of()),
                        tuple("a ping that spins", false, List.of("rule 'spin forever' of rule set 'loop'"
                                + " did not return for 1000 ms (an endless loop?), and its session was stopped")),
                        tuple("after the spin", false,
                                List.of("not run: the rules of an earlier case were stopped by the rule timeout")));
    }

    @Test
    void ruleTests_aCasePastTheFiringLimitFailsWithTheReason_andTheNextCaseRuns() {
        var source = loop("""
                rule "again"
                when
                    $p : Ping(n > 0)
                then
                    modify($p) { setN($p.getN() + 1) };
                end
                rule "ping"
                when
                    Ping(n == 0, $id : id)
                then
                    alerts.raise($id, "pinged");
                end
                """).withSettings(RuleSetSettings.DEFAULTS.withMaxFiringsPerStep(1_000));
        var cases = RuleTests.parse("loop.test.yaml", """
                name: refires
                events:
                  - {at: 0s, type: Ping, n: 1}
                exactly: true
                ---
                name: quiet
                events:
                  - {at: 0s, type: Ping, n: 0}
                expect:
                  - {rule: ping}
                """);

        var report = RuleTests.run(source, cases, watchdog);

        assertThat(report.cases().get(0).passed()).isFalse();
        assertThat(report.cases().get(0).failures()).singleElement().asString()
                .startsWith("rule set 'loop' fired 1000 rules for a single event or clock step and was stopped; the last rule to fire was 'again'");
        assertThat(report.cases().get(1).passed()).as(report.cases().get(1).failures().toString()).isTrue();
    }

    @Test
    void theScheduledWatchdog_stopsAReplayOnTheSystemTicker() {
        try (var real = Watchdog.start(Duration.ofMillis(300))) {
            var compiled = compile(loop(SPIN));
            assertThatThrownBy(() -> Replay.run(compiled, List.of(ping("p1", "0:00", 1)).iterator(), null,
                    new TestClock(RuleHarness.T0), real))
                    .isInstanceOf(RuleTimeoutException.class)
                    .hasMessage("rule 'spin forever' of rule set 'loop' did not return for 300 ms (an endless loop?), and its session was stopped");
        }
    }

    @Test
    void alertsRaisedBeforeTheLoop_reachTheSink_andTheCallerGoesOn() {
        var source = loop(SPIN + """
                rule "ping"
                when
                    Ping(n == 0, $id : id)
                then
                    alerts.raise($id, "pinged");
                end
                """);
        var seen = new CopyOnWriteArrayList<Alert>();
        var compiled = compile(source);
        var replay = CompletableFuture.runAsync(() -> Replay.run(compiled, List.of(ping("p0", "0:00", 0), ping("p1", "0:01", 1)).iterator(),
                null, new TestClock(RuleHarness.T0), watchdog, ReplayOrder.defaults(), new ProgressCounters(true), seen::add));
        awaitInRule("spin forever");

        stepTo(TIMEOUT);

        assertThatThrownBy(replay::join).cause().isInstanceOf(RuleTimeoutException.class);
        assertThat(seen).extracting(Alert::key).containsExactly("p0");
    }
}
