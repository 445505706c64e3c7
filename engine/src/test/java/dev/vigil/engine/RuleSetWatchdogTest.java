package dev.vigil.engine;

import static dev.vigil.engine.RuleHarness.at;
import static dev.vigil.engine.TestRules.TRANSACTION;
import static dev.vigil.engine.TestRules.burst;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.EngineConfig;
import dev.vigil.engine.api.EngineListener;
import dev.vigil.engine.api.RuleSetFailedException;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.engine.api.RuleSetStatus;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Rule sets that would hurt the server: one whose rule never returns, or whose working memory
 * grows past the limit, is failed with the reason; the others keep running, and a fixed version
 * brings it back.
 */
class RuleSetWatchdogTest {
    private static final Duration WAIT = Duration.ofSeconds(20);


    private final List<Alert> alerts = new CopyOnWriteArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final Engine engine = Engine.create(EngineConfig.defaults()
            .withRuleTimeout(Duration.ofMillis(400))
            .withMaxFacts(50)
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
    void close() {
        engine.close();
    }

    private static ObjectNode ping(String id, String offset, int n) {
        return RuleHarness.JSON.createObjectNode().put("type", "Ping").put("id", id).put("time", at(offset).toString()).put("n", n);
    }

    private static ObjectNode tx(String id, String offset) {
        return RuleHarness.JSON.createObjectNode().put("type", "Transaction").put("id", id).put("time", at(offset).toString())
                .put("accountId", "a1").put("amount", 10.0);
    }

    private static RuleSetSource loop(String rule) {
        return RuleSetSource.of("loop", Map.of("x.drl", TestRules.PING + rule));
    }

    private RuleSetStatus status(String ruleSet) {
        return engine.ruleSet(ruleSet).orElseThrow().status();
    }

    @Test
    void aConsequenceThatNeverReturns_failsItsRuleSetNamingTheRule_othersRun_andAFixedVersionBringsItBack() {
        engine.deploy(loop(TestRules.SPIN_FOREVER));
        engine.deploy(RuleSetSource.of("fraud", Map.of("x.drl", TRANSACTION + burst(5))));

        engine.submit("loop", List.of(ping("p1", "0:00", 0)));
        assertThat(engine.flush("loop").join().eventsProcessed()).as("a ping that does not loop").isEqualTo(1);
        engine.submit("loop", List.of(ping("p2", "0:01", 1)));

        await().atMost(WAIT).until(() -> status("loop").state() == RuleSetStatus.State.FAILED);
        assertThat(status("loop").reason()).isEqualTo("rule 'spin forever' did not return for 400 ms (an endless loop?); "
                + "deploy a fixed version to bring the rule set back");
        // The status says FAILED before the listener is told.
        await().atMost(WAIT).until(() -> !failures.isEmpty());
        assertThat(failures).containsExactly("loop: " + status("loop").reason());
        assertThatThrownBy(() -> engine.submit("loop", List.of(ping("p3", "0:02", 0))))
                .isInstanceOf(RuleSetFailedException.class).hasMessageContaining("rule set 'loop' is failed");
        for (int i = 1; i <= 6; i++) {
            engine.submit("fraud", List.of(tx("t" + i, "0:0" + i)));
        }
        engine.flush("fraud").join();
        assertThat(alerts).singleElement().satisfies(a -> assertThat(a.ruleSet()).isEqualTo("fraud"));

        engine.deploy(loop("""
                rule "spin forever"
                when
                    $p : Ping(n > 0)
                then
                    alerts.raise("p", "ping " + $p.getN());
                end
                """));
        engine.submit("loop", List.of(ping("p4", "0:03", 1)));
        engine.flush("loop").join();
        assertThat(status("loop")).isEqualTo(RuleSetStatus.RUNNING);
        assertThat(alerts).extracting(Alert::ruleSet).containsExactly("fraud", "loop");
    }

    @Test
    void theRuleTimeout_isMeasuredOnTheEnginesTicker_notBeforeItsEnd_andAtIt() {
        var nanos = new AtomicLong();
        try (var stepped = Engine.create(EngineConfig.defaults().withRuleTimeout(Duration.ofSeconds(10)).withTicker(nanos::get))) {
            stepped.deploy(loop(TestRules.SPIN_FOREVER));
            stepped.submit("loop", List.of(ping("p1", "0:00", 1)));
            await("the worker inside the rule").atMost(WAIT).until(() -> inRuleCode("vigil-ruleset-loop"));

            nanos.addAndGet(Duration.ofSeconds(10).toNanos() - 1);
            stepped.checkRuleTimeouts();
            assertThat(stepped.ruleSet("loop").orElseThrow().status()).as("at 9.999999999 s").isEqualTo(RuleSetStatus.RUNNING);

            nanos.addAndGet(1);
            stepped.checkRuleTimeouts();
            await("at 10 s").atMost(WAIT).until(() -> stepped.ruleSet("loop").orElseThrow().status().state() == RuleSetStatus.State.FAILED);
            assertThat(stepped.ruleSet("loop").orElseThrow().status().reason())
                    .isEqualTo("rule 'spin forever' did not return for 10000 ms (an endless loop?); deploy a fixed version to bring the rule set back");
        }
    }

    /** Whether thread {@code name} is running code compiled from the rule set's DRL (package {@code loop}). */
    private static boolean inRuleCode(String name) {
        return Thread.getAllStackTraces().entrySet().stream().filter(e -> e.getKey().getName().equals(name))
                .flatMap(e -> Arrays.stream(e.getValue())).anyMatch(frame -> frame.getClassName().startsWith("loop."));
    }

    @Test
    void aConditionThatNeverReturns_failsItsRuleSet() {
        engine.deploy(loop("""
                function boolean slow(int n) {
                    long i = n;
                    while (i > 0) {
                        i = (i % 1000) + 1;
                    }
                    return true;
                }
                rule "slow condition"
                when
                    Ping(eval(slow(n)))
                then
                end
                """));

        engine.submit("loop", List.of(ping("p1", "0:00", 1)));

        await().atMost(WAIT).until(() -> status("loop").state() == RuleSetStatus.State.FAILED);
        assertThat(status("loop").reason()).endsWith("did not return for 400 ms (an endless loop?); "
                + "deploy a fixed version to bring the rule set back");
    }

    @Test
    void workingMemoryPastTheLimit_failsTheRuleSet_withTheCount() {
        engine.deploy(RuleSetSource.of("keep", Map.of("x.drl", TestRules.PING.replace("@expires(1m)", "") + """
                rule "keeps every ping"
                when
                    Ping(n > 0)
                then
                end
                """)));

        for (int i = 0; i < 50; i++) {
            engine.submit("keep", List.of(ping("p" + i, "0:00", 1)));
        }
        assertThat(engine.flush("keep").join().status()).as("at the limit").isEqualTo(RuleSetStatus.RUNNING);
        engine.submit("keep", List.of(ping("p50", "0:01", 1)));

        await().atMost(WAIT).until(() -> status("keep").state() == RuleSetStatus.State.FAILED);
        assertThat(status("keep").reason()).isEqualTo("its working memory holds 51 facts, over the limit of 50: a rule keeps events"
                + " without a time bound, or the load outgrew the limit");
    }
}
