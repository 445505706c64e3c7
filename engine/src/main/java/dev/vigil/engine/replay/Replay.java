package dev.vigil.engine.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.engine.EngineListener;
import dev.vigil.engine.alert.Alert;
import dev.vigil.engine.alert.RuleError;
import dev.vigil.engine.clock.ClockMode;
import dev.vigil.engine.event.EventError;
import dev.vigil.engine.ruleset.CompiledRuleSet;
import dev.vigil.engine.session.RuleSetRunner;
import dev.vigil.engine.session.RuleSetStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs events through a fresh event-time session of a rule set, as fast as the machine goes.
 *
 * <p>Uses the same {@link RuleSetRunner} as a live rule set, with the rule set's lateness and late
 * policy, so a replay raises the alerts the live session would have raised, with the same ids.
 * As in a live server, where request threads decode and the session's worker only inserts and
 * fires, reading and decoding the input runs on a thread of its own ({@link DecodingReader}),
 * ahead of the session. Invalid events are skipped and reported by their index; the rest still run.
 */
public final class Replay {
    /** How many invalid events and rule errors a result lists; all are counted. */
    public static final int MAX_REPORTED_ERRORS = 100;

    private Replay() {
    }

    /**
     * Replays {@code events} through {@code compiled}, which it consumes (its container becomes the
     * replay's session and is disposed at the end).
     *
     * @param until     when not null, the clock is moved to this time after the last event, so
     *                  absences that become true after it still fire
     * @param wallClock the arrival time of events without {@code time}, and alerts' {@code firedAt}
     */
    public static ReplayResult run(CompiledRuleSet compiled, Iterator<? extends JsonNode> events, Instant until,
                                   InstantSource wallClock) {
        var alerts = new ArrayList<Alert>();
        var result = run(compiled, events, until, wallClock, alerts::add);
        return new ReplayResult(alerts, result.stats(), result.errors(), result.ruleErrors());
    }

    /**
     * Like {@link #run(CompiledRuleSet, Iterator, Instant, InstantSource)}, but hands each alert to
     * {@code sink} as it is raised instead of keeping it: for inputs too large to hold every alert.
     * The result's alert list is empty.
     */
    public static ReplayResult run(CompiledRuleSet compiled, Iterator<? extends JsonNode> events, Instant until,
                                   InstantSource wallClock, Consumer<Alert> sink) {
        if (compiled.source().settings().clockMode() != ClockMode.EVENT_TIME) {
            compiled.close();
            throw new IllegalArgumentException("replays run on event time: compile rule set '" + compiled.name()
                    + "' with clock mode EVENT_TIME");
        }
        var ruleErrors = new ArrayList<RuleError>();
        var errors = new ArrayList<EventError>();
        var collect = new EngineListener() {
            long errorCount;

            @Override
            public void onAlert(Alert alert) {
                sink.accept(alert);
            }

            @Override
            public void onRuleError(RuleError error) {
                errorCount++;
                if (ruleErrors.size() < MAX_REPORTED_ERRORS) {
                    ruleErrors.add(error);
                }
            }
        };
        long started = System.nanoTime();
        try (var runner = new RuleSetRunner(compiled, 1, wallClock, collect);
             var reader = new DecodingReader(events, runner.decoder())) {
            for (var batch = reader.next(); batch != null; batch = reader.next()) {
                batch.events().forEach(runner::accept);
                for (var error : batch.errors()) {
                    if (errors.size() < MAX_REPORTED_ERRORS) {
                        errors.add(error);
                    }
                }
            }
            if (until != null) {
                runner.advanceClockTo(until.toEpochMilli());
            } else {
                runner.finish();
            }
            var stats = runner.stats(RuleSetStatus.STOPPED, 0);
            var elapsed = Duration.ofNanos(System.nanoTime() - started);
            double seconds = Math.max(1e-9, elapsed.toNanos() / 1e9);
            long count = reader.read();
            return new ReplayResult(List.of(), new ReplayStats(count, reader.invalid(), stats.lateEvents(),
                    stats.alertsPerRule(), stats.suppressed(), collect.errorCount, elapsed, count / seconds), errors, ruleErrors);
        }
    }
}
