package dev.vigil.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.Comparison;
import dev.vigil.engine.api.EventType;
import dev.vigil.engine.api.ReplayOrder;
import dev.vigil.engine.api.ReplayProgress;
import dev.vigil.engine.api.ReplayResult;
import dev.vigil.engine.event.EventDecoder;
import dev.vigil.engine.replay.ProgressCounters;
import dev.vigil.engine.replay.Replay;
import dev.vigil.engine.ruleset.CompiledRuleSet;
import dev.vigil.engine.session.Watchdog;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * A rule set compiled for one replay on event time, not yet run: its event types are known, so the
 * caller can read events that need them (CSV columns) before it runs. It runs once, in its
 * {@link ReplayOrder}, and tells its {@link #progress()} how far it is; close it whether it ran or not.
 */
public final class PreparedReplay implements AutoCloseable {
    private final CompiledRuleSet compiled;
    private final InstantSource clock;
    private final Watchdog watchdog;
    private final ReplayOrder order;
    private final ProgressCounters progress;
    private final EventDecoder times;

    PreparedReplay(CompiledRuleSet compiled, InstantSource clock, Watchdog watchdog, ReplayOrder order) {
        this.compiled = compiled;
        this.clock = clock;
        this.watchdog = watchdog;
        this.order = order;
        this.progress = new ProgressCounters(order.sorted());
        this.times = EventDecoder.forKieBase(compiled.container().getKieBase(), true, clock);
    }

    /**
     * The event time its run gives {@code event}, epoch milliseconds: its {@code time}, else its
     * type's {@code @timestamp} field; empty when it has neither or one that is not a time.
     */
    public OptionalLong eventTime(JsonNode event) {
        return times.eventTime(event);
    }

    /** How far its run is, for a display polling from another thread. */
    public ReplayProgress progress() {
        return progress;
    }

    /**
     * Asks its run, from another thread, to stop after the batch of events it is in: the run then
     * throws CancellationException. Reading and sorting the input stop at the caller's own iterator.
     */
    public void stop() {
        progress.stop();
    }

    /** The name alerts' ids derive from. */
    public String name() {
        return compiled.name();
    }

    /** The event types it declares. */
    public List<EventType> eventTypes() {
        return compiled.eventTypes();
    }

    /**
     * Replays {@code events} and keeps every alert in the result.
     *
     * @param until when not null, the clock moves to it after the last event, so pending absences fire
     */
    public ReplayResult run(Iterator<? extends JsonNode> events, Instant until) {
        var alerts = new ArrayList<Alert>();
        var result = run(events, until, alerts::add);
        return new ReplayResult(alerts, result.stats(), result.errors(), result.ruleErrors());
    }

    /**
     * Replays {@code events}, handing each alert to {@code sink} as it is raised (on the replay's
     * thread) instead of keeping it: for inputs too large to hold every alert.
     */
    public ReplayResult run(Iterator<? extends JsonNode> events, Instant until, Consumer<Alert> sink) {
        return Replay.run(compiled, events, until, clock, watchdog, order, progress, sink);
    }

    /**
     * Replays {@code events} once through {@code baseline} and this, and tells the alerts this
     * raises that {@code baseline} does not, and the reverse. Both must have the same name.
     */
    public Comparison compareWith(PreparedReplay baseline, Iterator<? extends JsonNode> events, Instant until) {
        return Replay.compare(baseline.compiled, compiled, events, until, clock, watchdog, order, progress);
    }

    @Override
    public void close() {
        compiled.close();
    }
}
