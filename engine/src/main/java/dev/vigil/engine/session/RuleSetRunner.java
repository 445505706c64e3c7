package dev.vigil.engine.session;

import dev.vigil.engine.api.AlertBudget;
import dev.vigil.engine.api.EngineListener;
import dev.vigil.engine.api.Event;
import dev.vigil.engine.api.LatePolicy;
import dev.vigil.engine.api.RuleSetSettings;
import dev.vigil.engine.api.RuleSetStats;
import dev.vigil.engine.api.RuleSetStatus;
import dev.vigil.engine.clock.Watermark;
import dev.vigil.engine.event.EventDecoder;
import dev.vigil.engine.ruleset.CompiledRuleSet;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * Drives one session through time, synchronously: the single place where events are put in order,
 * the watermark is kept, and the clock is moved. A live rule set runs one on its worker thread; a
 * replay runs one on the caller's thread. Because both go through this, live and replay agree.
 *
 * <p>In event-time mode an event waits in a reorder buffer until the watermark (newest event time
 * minus the allowed lateness) reaches it; released events are inserted in time order, each after
 * the pseudo clock has moved to its time, and rules fire after each. Events behind the watermark
 * are late: counted, reported, and inserted or left out by the rule set's {@link LatePolicy}.
 * In realtime mode events are inserted as they come. Not thread-safe.
 */
public final class RuleSetRunner implements AutoCloseable {
    private static final Comparator<Pending> ORDER = Comparator.comparingLong((Pending p) -> p.event.time())
            .thenComparingLong(p -> p.seq);

    private final String ruleSet;
    private final RuleSetSettings settings;
    private final InstantSource wallClock;
    private final EngineListener listener;
    private final SessionCore core;
    private final Watermark watermark;
    private final PriorityQueue<Pending> buffer = new PriorityQueue<>(ORDER);
    private final AlertBudget alertBound;
    private EventDecoder decoder;
    private int version;
    private long seq;
    private long processed;
    private long late;
    private long droppedLate;
    private long ruleErrors;

    /**
     * Starts a fresh session for {@code compiled}, taking over its container, with the rule set's
     * alert budget (the default one where it sets none) and no per-second limit: for a replay.
     */
    public RuleSetRunner(CompiledRuleSet compiled, int version, InstantSource wallClock, EngineListener listener) {
        this(compiled, version, wallClock, listener, null);
    }

    /**
     * Starts a fresh session for {@code compiled}, taking over its container.
     *
     * @param alertBound the engine's alert budget, which the rule set's own stays within; null for a
     *                   replay: the rule set's own, or the default one
     */
    public RuleSetRunner(CompiledRuleSet compiled, int version, InstantSource wallClock, EngineListener listener,
                         AlertBudget alertBound) {
        this.ruleSet = compiled.name();
        this.alertBound = alertBound;
        this.settings = compiled.source().settings();
        this.wallClock = wallClock;
        this.listener = listener;
        this.version = version;
        this.core = new SessionCore(compiled, version, wallClock, settings.maxFiringsPerStep());
        this.watermark = new Watermark(settings.allowedLateness(), settings.idleTimeout());
        this.decoder = EventDecoder.forKieBase(core.kieBase(), settings.allowUnknownFields(), wallClock);
        core.meter().use(alertBudget(settings));
    }

    private AlertBudget alertBudget(RuleSetSettings of) {
        return alertBound == null ? of.alertBudget().orElse(AlertBudget.DEFAULTS) : of.alertBudget().within(alertBound);
    }

    /** The alert budget the session counts against. */
    public AlertBudget alertBudget() {
        return core.meter().budget();
    }

    /**
     * Whether the alerts raised from now on count against the per-second limit of the budget:
     * those of live events do; a replay's, and those raised again while a recovery replays the
     * journal, do not (they came at their own pace before).
     */
    public void countAlertsPerSecond(boolean value) {
        core.meter().countPerSecond(value);
    }

    /** Decodes events against the running version. Thread-safe: the decoder is immutable. */
    public EventDecoder decoder() {
        return decoder;
    }

    public int version() {
        return version;
    }

    /** Takes one event: orders it, or inserts it at once in realtime mode, and fires what follows. */
    public void accept(Event event) {
        processed++;
        var current = core.current(event);
        if (!core.isPseudoClock()) {
            insertAndFire(current);
            return;
        }
        if (watermark.isLate(current.time())) {
            late++;
            boolean insert = settings.latePolicy() == LatePolicy.PROCESS;
            if (insert) {
                insertAndFire(current);
            } else {
                droppedLate++;
            }
            listener.onLateEvent(ruleSet, current, watermark.current(), insert);
            return;
        }
        long wm = watermark.observe(current.time(), wallClock.millis());
        if (buffer.isEmpty() && current.time() <= wm) {
            // In order with nothing waiting: the common case skips the buffer.
            core.advanceTo(current.time());
            insertAndFire(current);
            return;
        }
        buffer.add(new Pending(current, seq++));
        release(wm);
    }

    /**
     * Lets time pass without events: in event-time mode the watermark follows the wall clock once
     * the input has been idle, so absence rules fire; in realtime mode due timers fire.
     */
    public void idle() {
        if (core.isPseudoClock()) {
            long wm = watermark.onIdle(wallClock.millis());
            release(wm);
            if (wm != Long.MIN_VALUE && wm > core.now()) {
                core.advanceTo(wm);
                fire();
            }
        } else {
            fire();
        }
    }

    /** The end of a finite input: releases every buffered event. */
    public void finish() {
        if (core.isPseudoClock()) {
            release(watermark.close());
        }
    }

    /** Moves the pseudo clock to {@code time} (epoch ms), firing every timer due on the way. */
    public void advanceClockTo(long time) {
        finish();
        if (core.isPseudoClock() && time > core.now()) {
            core.advanceTo(time);
            fire();
        }
    }

    /** Moves the session to a new version; see {@link SessionCore#update}. Returns the facts carried over. */
    public int update(CompiledRuleSet next, int nextVersion) {
        int carried = core.update(next, nextVersion);
        this.version = nextVersion;
        this.decoder = EventDecoder.forKieBase(core.kieBase(), next.source().settings().allowUnknownFields(), wallClock);
        core.meter().use(alertBudget(next.source().settings()));
        deliver();
        return carried;
    }

    private void release(long upTo) {
        while (!buffer.isEmpty() && buffer.peek().event.time() <= upTo) {
            var next = buffer.poll().event;
            core.advanceTo(next.time());
            insertAndFire(next);
        }
    }

    private void insertAndFire(Event event) {
        var meter = core.meter();
        meter.beginEvent(event.id());
        try {
            core.insert(event);
            fire();
        } finally {
            meter.endEvent();
        }
    }

    private void fire() {
        try {
            core.fire();
        } finally {
            deliver();
        }
    }

    private void deliver() {
        for (var alert : core.alerts().drainAlerts()) {
            listener.onAlert(alert);
        }
        for (var error : core.alerts().drainErrors()) {
            ruleErrors++;
            listener.onRuleError(error);
        }
    }

    /** The counters now; {@code queued} and {@code status} are the caller's to fill in. */
    public RuleSetStats stats(RuleSetStatus status, int queued) {
        var alerts = core.alerts();
        return new RuleSetStats(ruleSet, version, status, processed, late, droppedLate, buffer.size(), queued,
                alerts.raisedPerRule(), alerts.suppressed(), alerts.duplicates(), alerts.remembered(), ruleErrors, core.factCount(),
                core.now(), watermark.current(), core.meter().refused());
    }

    /** Milliseconds until the session's next timer, -1 when none; for realtime sessions to wake on time. */
    public long timeToNextTimer() {
        return ((org.drools.core.common.InternalWorkingMemory) core.session()).getTimeToNextJob();
    }

    @Override
    public void close() {
        core.close();
    }

    private record Pending(Event event, long seq) {
    }
}
