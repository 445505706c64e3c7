package dev.vigil.engine;

import static dev.vigil.engine.RuleHarness.at;
import static dev.vigil.engine.RuleHarness.event;
import static dev.vigil.engine.TestRules.NO_LOGOUT;
import static dev.vigil.engine.TestRules.RUNAWAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.vigil.engine.api.Admission;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.EngineConfig;
import dev.vigil.engine.api.EngineListener;
import dev.vigil.engine.api.EventLimits;
import dev.vigil.engine.api.EventSource;
import dev.vigil.engine.api.RuleSetSettings;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.engine.api.RuleSetStatus;
import dev.vigil.engine.api.RuleSetStream;
import dev.vigil.engine.api.SourcedElsewhereException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A rule set's stream, as a transport opens one per ordered input: its alerts go to its own
 * listener, its clock is its own and catches up to a point on both sides of a timer, deploys reach
 * it, an undeploy stops it, and its failure fails the rule set.
 */
class RuleSetStreamTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final EventSource KAFKA = new EventSource("kafka", Map.of("topic", "logins"));

    private final List<Alert> engineAlerts = new CopyOnWriteArrayList<>();
    private final List<Alert> streamAlerts = new CopyOnWriteArrayList<>();
    private final Engine engine = Engine.create(EngineConfig.defaults().withClock(new TestClock(RuleHarness.T0))
            .withTick(Duration.ofMillis(10)).withListener(new EngineListener() {
                @Override
                public void onAlert(Alert alert) {
                    engineAlerts.add(alert);
                }
            }));
    private final EngineListener streamListener = new EngineListener() {
        @Override
        public void onAlert(Alert alert) {
            streamAlerts.add(alert);
        }
    };

    @AfterEach
    void close() {
        engine.close();
    }

    private RuleSetStream open() {
        engine.deploy(new RuleSetSource("mon", Map.of("mon.drl", NO_LOGOUT), RuleSetSettings.DEFAULTS.withSource(KAFKA)));
        return engine.openStream("mon", "logins-0", streamListener);
    }

    @Test
    void aStreamsClock_catchesUpToAPoint_firingWhatFallsDueUpToIt_andNoFurther() {
        var stream = open();
        stream.submit(List.of(stream.decode(event("Login", "0:00", "user", "ann").put("id", "l1"), 0)));
        stream.flush().join();

        var before = stream.catchUp(at("4:59.999").toEpochMilli(), at("4:59.999").toEpochMilli()).join();
        assertThat(streamAlerts).as("at 4:59.999").isEmpty();
        assertThat(before.clock()).isEqualTo(at("4:59.999").toEpochMilli());
        stream.catchUp(at("5:00").toEpochMilli(), at("5:00").toEpochMilli()).join();
        assertThat(streamAlerts).as("at 5:00").singleElement().satisfies(a -> assertThat(a.eventTime()).isEqualTo(at("5:00")));
        assertThat(engineAlerts).as("the stream's alerts are its listener's").isEmpty();
    }

    @Test
    void aCheckpoint_runsOnTheWorkerAfterWhatWasSubmitted_withTheCountersThen() {
        var stream = open();
        stream.submit(List.of(stream.decode(event("Login", "0:00", "user", "ann").put("id", "l1"), 0),
                stream.decode(event("Logout", "0:01", "user", "ann").put("id", "o1"), 1)));
        var taken = stream.checkpoint(stats -> Thread.currentThread().getName() + " " + stats.eventsProcessed()).join();
        assertThat(taken).isEqualTo("vigil-ruleset-mon 2");
    }

    @Test
    void aRuleSetFedByATransport_takesNoPostedEvents() {
        open();
        assertThatThrownBy(() -> engine.admit(new Admission(List.of(event("Login", "0:00", "user", "ann")), "mon", EventLimits.NONE,
                Admission.Journal.NONE)))
                .isInstanceOf(SourcedElsewhereException.class).hasMessageContaining("kafka topic=logins");
    }

    @Test
    void aDeployReachesTheStream_andAnUndeployStopsIt() {
        var stream = open();
        engine.deploy(new RuleSetSource("mon", Map.of("mon.drl", NO_LOGOUT.replace("no logout within 5 minutes", "still in")),
                RuleSetSettings.DEFAULTS.withSource(KAFKA)));
        assertThat(stream.stats().version()).isEqualTo(2);
        stream.submit(List.of(stream.decode(event("Login", "0:00", "user", "ann").put("id", "l1"), 0)));
        stream.catchUp(at("5:00").toEpochMilli(), at("5:00").toEpochMilli()).join();
        assertThat(streamAlerts).singleElement().satisfies(a -> assertThat(a.message()).isEqualTo("still in"));

        engine.undeploy("mon");
        assertThat(stream.status().state()).isEqualTo(RuleSetStatus.State.STOPPED);
    }

    @Test
    void aStreamThatFails_failsItsRuleSet() {
        engine.deploy(new RuleSetSource("loop", Map.of("x.drl", RUNAWAY), RuleSetSettings.DEFAULTS.withSource(KAFKA)));
        var stream = engine.openStream("loop", "pings-0", streamListener);
        stream.submit(List.of(stream.decode(event("Ping", "0:00"), 0)));

        await().atMost(WAIT).until(() -> stream.status().state() == RuleSetStatus.State.FAILED);
        await().atMost(WAIT).until(() -> !engine.ruleSet("loop").orElseThrow().running());
        assertThat(engine.ruleSet("loop").orElseThrow().status().reason()).contains("'spin'");
    }
}
