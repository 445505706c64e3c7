package dev.vigil.engine;

import static dev.vigil.engine.RuleHarness.T0;
import static dev.vigil.engine.TestRules.TRANSACTION;
import static dev.vigil.engine.TestRules.burst;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.EngineConfig;
import dev.vigil.engine.api.EngineListener;
import dev.vigil.engine.api.EventError;
import dev.vigil.engine.api.InvalidEventsException;
import dev.vigil.engine.api.RuleSetSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Event times that would stop a rule set from alerting: one far ahead of the clock moves the
 * watermark past every later event. Live submissions refuse them against the injected clock,
 * replays refuse those no clock can hold, and neither moves the watermark.
 */
class LiveEventTimesTest {
    private static final RuleSetSource FRAUD = RuleSetSource.of("fraud", Map.of("fraud.drl", TRANSACTION + burst(1)));
    /** Times that poisoned a rule set before, as JSON values of {@code time}. */
    private static final List<String> POISON = List.of("9223372036854775807", "-9223372036854775808",
            "\"+999999999-12-31T23:59:59Z\"", "\"-999999999-01-01T00:00:00Z\"", "\"" + T0.plus(Duration.ofHours(2)) + "\"",
            "\"1969-12-31T23:59:59.999Z\"", "1e30", "1.5");

    private final TestClock clock = new TestClock(T0);
    private final List<Alert> alerts = new CopyOnWriteArrayList<>();
    private final Engine engine = Engine.create(EngineConfig.defaults().withClock(clock).withTick(Duration.ofMillis(10))
            .withListener(new EngineListener() {
                @Override
                public void onAlert(Alert alert) {
                    alerts.add(alert);
                }
            }));

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    private static ObjectNode tx(String id, Instant time, String account) {
        return RuleHarness.JSON.createObjectNode().put("type", "Transaction").put("id", id).put("time", time.toString())
                .put("accountId", account).put("amount", 10.0);
    }

    private static JsonNode poisoned(String id, String time) throws Exception {
        return RuleHarness.JSON.readTree("{\"type\": \"Transaction\", \"id\": \"" + id + "\", \"time\": " + time
                + ", \"accountId\": \"p\", \"amount\": 10}");
    }

    @Test
    void submit_anHourAheadOfTheClock_isTaken_andOneMillisecondMoreIsRefused() {
        engine.deploy(FRAUD);
        var tooFar = tx("t2", T0.plus(Duration.ofHours(1)).plusMillis(1), "a");

        var thrown = catchThrowableOfType(InvalidEventsException.class, () -> engine.submit("fraud", List.of(tooFar)));
        engine.submit("fraud", List.of(tx("t1", T0.plus(Duration.ofHours(1)), "a")));

        assertThat(thrown.errors()).extracting(EventError::index, EventError::field).containsExactly(tuple(0, "time"));
        assertThat(thrown.errors().get(0).message()).startsWith("2026-11-20T11:00:00.001Z is more than 1h ahead of the clock");
        clock.advance(Duration.ofMillis(1));
        engine.submit("fraud", List.of(tooFar));
        assertThat(engine.flush("fraud").join().eventsProcessed()).isEqualTo(2);
    }

    @Test
    void submit_poisonedTimes_areRefusedWholeNamingTheEventAndField_andLaterEventsStillAlert() throws Exception {
        engine.deploy(FRAUD);

        for (var time : POISON) {
            var thrown = catchThrowableOfType(InvalidEventsException.class,
                    () -> engine.submit("fraud", List.of(tx("good", T0, "p"), poisoned("poison", time))));

            assertThat(thrown).as(time).isNotNull();
            assertThat(thrown.errors()).as(time).extracting(EventError::index, EventError::eventId, EventError::field)
                    .containsExactly(tuple(1, "poison", "time"));
        }
        assertThat(engine.flush("fraud").join().eventsProcessed()).isZero();

        engine.submit("fraud", List.of(tx("t1", T0.plusSeconds(1), "a"), tx("t2", T0.plusSeconds(2), "a")));

        await().atMost(Duration.ofSeconds(10)).until(() -> alerts.size() == 1);
        assertThat(alerts.get(0).key()).isEqualTo("a");
        assertThat(engine.ruleSet("fraud").orElseThrow().stats().lateEvents()).isZero();
    }

    @Test
    void replay_refusesTimesNoClockCanHold_byIndex_andTheOthersStillAlert() throws Exception {
        var events = List.of(tx("t1", T0, "a"), poisoned("p1", "9223372036854775807"), poisoned("p2", "\"+999999999-12-31T23:59:59Z\""),
                tx("t2", T0.plusSeconds(1), "a"), tx("far", T0.plus(Duration.ofDays(3650)), "b"));

        var result = engine.replay(FRAUD, events.iterator(), null);

        assertThat(result.errors()).extracting(EventError::index, EventError::field).containsExactly(tuple(1, "time"), tuple(2, "time"));
        assertThat(result.alerts()).extracting(Alert::key).containsExactly("a");
        assertThat(result.stats().lateEvents()).isZero();
    }

    @Test
    void replay_untilATimeNoClockCanHold_isRefused() {
        var thrown = catchThrowableOfType(IllegalArgumentException.class,
                () -> engine.replay(FRAUD, List.of(tx("t1", T0, "a")).iterator(), Instant.parse("+999999999-12-31T23:59:59Z")));

        assertThat(thrown).hasMessage("until: +999999999-12-31T23:59:59Z is outside the times a rule set's clock can hold,"
                + " 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z");
    }
}
