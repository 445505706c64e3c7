package dev.vigil.engine.api;

/**
 * How many alerts a rule set may raise before it is failed as flooding: at most {@code perEvent}
 * for one event (its insertion and the firings that follow it) and at most {@code perSecond}
 * within one second of the wall clock. In a rule set's settings a limit of 0 is not set: the
 * engine's applies.
 *
 * @param perEvent  the most alerts one event may raise; 0 when not set
 * @param perSecond the most alerts a live session may raise within one second; 0 when not set
 */
public record AlertBudget(int perEvent, int perSecond) {
    /** The largest limit either may have. */
    public static final int MOST = 1_000_000;
    /**
     * 1,000 alerts per event, 10,000 per second. No rule of the samples raises more than a few per
     * event, and 10,000 a second (36 million an hour) is more than a store, a receiver or a person
     * can make use of; a flood is stopped after a second's worth instead of a million.
     */
    public static final AlertBudget DEFAULTS = new AlertBudget(1_000, 10_000);
    /** Neither limit set: a rule set's settings that take the engine's budget. */
    public static final AlertBudget UNSET = new AlertBudget(0, 0);

    public AlertBudget {
        check("perEvent", perEvent);
        check("perSecond", perSecond);
    }

    private static void check(String name, int value) {
        if (value < 0 || value > MOST) {
            throw new IllegalArgumentException(name + " must be between 1 and " + MOST + ", was " + value);
        }
    }

    /** This budget with each limit that is not set taken from {@code fallback}. */
    public AlertBudget orElse(AlertBudget fallback) {
        return new AlertBudget(perEvent == 0 ? fallback.perEvent : perEvent, perSecond == 0 ? fallback.perSecond : perSecond);
    }

    /** This budget with each limit no higher than {@code cap}'s, and those not set at {@code cap}'s. */
    public AlertBudget within(AlertBudget cap) {
        var own = orElse(cap);
        return new AlertBudget(Math.min(own.perEvent, cap.perEvent), Math.min(own.perSecond, cap.perSecond));
    }

    public AlertBudget withPerEvent(int value) {
        return new AlertBudget(value, perSecond);
    }

    public AlertBudget withPerSecond(int value) {
        return new AlertBudget(perEvent, value);
    }
}
