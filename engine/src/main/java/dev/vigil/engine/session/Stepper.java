package dev.vigil.engine.session;

import dev.vigil.engine.api.Event;
import dev.vigil.engine.api.EngineListener;

/**
 * One session's steps: move its clock to a time, insert an event, fire what follows, and hand the
 * alerts and rule errors raised to the listener. The same steps run on a single session's thread
 * and on each partition's, so a partitioned rule set fires what an unpartitioned one does.
 * Not thread-safe: owned by the thread that runs the session.
 */
final class Stepper {
    private final SessionCore core;
    private final EngineListener listener;
    private long ruleErrors;

    Stepper(SessionCore core, EngineListener listener) {
        this.core = core;
        this.listener = listener;
    }

    SessionCore core() {
        return core;
    }

    /**
     * Moves a pseudo clock to {@code clock} where it is behind, firing every timer due on the way at
     * its own time, then inserts {@code event} (none when null) and fires what follows.
     */
    void step(long clock, Event event) {
        if (core.isPseudoClock() && clock > core.now()) {
            core.advanceTo(clock);
        }
        if (event == null) {
            fire();
            return;
        }
        var meter = core.meter();
        var current = core.current(event);
        meter.beginEvent(current.id());
        try {
            core.insert(current);
            fire();
        } finally {
            meter.endEvent();
        }
    }

    /** Fires what is due and hands on what it raised. */
    void fire() {
        try {
            core.fire();
        } finally {
            deliver();
        }
    }

    /** Hands the alerts and rule errors raised since the last call to the listener. */
    void deliver() {
        for (var alert : core.alerts().drainAlerts()) {
            listener.onAlert(alert);
        }
        for (var error : core.alerts().drainErrors()) {
            ruleErrors++;
            listener.onRuleError(error);
        }
    }

    /** Consequences that threw, since the session started. */
    long ruleErrors() {
        return ruleErrors;
    }
}
