package dev.vigil.engine.alert;

import dev.vigil.engine.api.AlertBudget;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts the alerts a session raises against its {@link AlertBudget}: those of the event being
 * processed, and those within the current second of the wall clock, each also per rule so that a
 * rule set over its budget can name the rule that raised the most. Once over, every later alert is
 * refused and counted, and the session's owner fails the rule set with {@link #exceeded()}.
 *
 * <p>Counting costs a map lookup and a few field updates per alert; nothing is allocated after a
 * rule's first alert. It is the session's, not the rules': the {@code alerts} global holds it but
 * does not hand it out, so rule code cannot lift its own budget. Not thread-safe: owned by the
 * session's worker.
 */
public final class AlertMeter {
    private final Map<String, Tally> tallies = new HashMap<>();
    private AlertBudget budget = AlertBudget.DEFAULTS;
    private boolean perSecond;
    private long event;
    private boolean inEvent;
    private String eventId;
    private int eventAlerts;
    private long second = Long.MIN_VALUE;
    private Seconds seconds = new Seconds();
    private String exceeded;
    private long refused;

    /** The budget to count against from now on. */
    public void use(AlertBudget value) {
        this.budget = value;
    }

    public AlertBudget budget() {
        return budget;
    }

    /**
     * Whether alerts count against the per-second limit: a live session's do; a replay's, which
     * runs faster than the events came, and a recovery's, which raises again what was raised at
     * its own pace before, do not.
     */
    public void countPerSecond(boolean value) {
        this.perSecond = value;
    }

    /** The event {@code id} goes in: the alerts until {@link #endEvent()} are its. */
    public void beginEvent(String id) {
        event++;
        eventId = id;
        eventAlerts = 0;
        inEvent = true;
    }

    /** The firings that followed the event are done; what fires next (time passing) is no event's. */
    public void endEvent() {
        inEvent = false;
    }

    /** Whether the budget was exceeded: every alert is refused from then on. */
    public boolean isExceeded() {
        return exceeded != null;
    }

    /** Why the budget was exceeded, naming the rule that raised the most; null while within it. */
    public String exceeded() {
        return exceeded;
    }

    /** Alerts refused because the budget was exceeded. */
    public long refused() {
        return refused;
    }

    /** Counts an alert refused without asking (the budget was already exceeded). */
    void refuse() {
        refused++;
    }

    /**
     * Counts an alert of {@code rule} fired at {@code millis} of the wall clock; false, and the
     * alert refused, when it goes over the budget.
     */
    boolean admit(String ruleSet, String rule, long millis) {
        if (exceeded != null) {
            refused++;
            return false;
        }
        var tally = tallies.computeIfAbsent(rule, r -> new Tally());
        if (inEvent) {
            tally.countEvent(event);
            if (++eventAlerts > budget.perEvent()) {
                return over("rule set '" + ruleSet + "' raised more than " + budget.perEvent() + " alerts for event '" + eventId
                        + "' and was stopped (its budget is " + budget.perEvent() + " alerts per event)", true);
            }
        }
        if (perSecond) {
            second = Math.floorDiv(millis, 1000);
            tally.countSecond(second);
            if (seconds.add(second) > budget.perSecond()) {
                return over("rule set '" + ruleSet + "' raised more than " + budget.perSecond()
                        + " alerts within one second and was stopped (its budget is " + budget.perSecond() + " alerts per second)",
                        false);
            }
        }
        return true;
    }

    private boolean over(String what, boolean perEvent) {
        String top = null;
        int most = 0;
        for (var entry : tallies.entrySet()) {
            var tally = entry.getValue();
            int count = perEvent ? (tally.event == event ? tally.inEvent : 0) : (tally.second == second ? tally.inSecond : 0);
            if (count > most || count == most && count > 0 && entry.getKey().compareTo(top) < 0) {
                top = entry.getKey();
                most = count;
            }
        }
        exceeded = what + "; rule '" + top + "' raised the most: " + most
                + ". Deploy a fixed version to bring the rule set back";
        refused++;
        return false;
    }

    /**
     * Counts the alerts of the seconds from now on with {@code other}'s: the sessions of a
     * partitioned rule set share one per-second limit.
     */
    public void shareSecondsWith(AlertMeter other) {
        this.seconds = other.seconds;
    }

    /** The alerts of the current second, of one session or of several that share the limit. Thread-safe. */
    private static final class Seconds {
        private long second = Long.MIN_VALUE;
        private int alerts;

        /** Counts an alert in {@code now}; returns the alerts of that second so far. */
        synchronized int add(long now) {
            if (now != second) {
                second = now;
                alerts = 0;
            }
            return ++alerts;
        }
    }

    /** One rule's alerts in the current event and second. */
    private static final class Tally {
        long event;
        int inEvent;
        long second = Long.MIN_VALUE;
        int inSecond;

        void countEvent(long current) {
            if (event != current) {
                event = current;
                inEvent = 0;
            }
            inEvent++;
        }

        void countSecond(long current) {
            if (second != current) {
                second = current;
                inSecond = 0;
            }
            inSecond++;
        }
    }
}
