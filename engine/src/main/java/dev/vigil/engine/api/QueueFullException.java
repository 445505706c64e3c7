package dev.vigil.engine.api;

/** A submission that does not fit the rule set's queue; nothing of it was accepted. Retry later. */
public final class QueueFullException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public QueueFullException(String message) {
        super(message);
    }

    public QueueFullException(String ruleSet, int events, int capacity) {
        super(events > capacity
                ? "rule set '" + ruleSet + "' cannot take " + events + " events at once: its queue holds " + capacity
                        + "; send them in smaller batches"
                : "rule set '" + ruleSet + "' cannot take " + events + " more events now: its queue of " + capacity
                        + " events is full; retry after it drains");
    }
}
