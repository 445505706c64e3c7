package dev.vigil.engine.api;

/**
 * A rule set raised more alerts than its {@link dev.vigil.engine.api.AlertBudget}, for one event
 * or within one second: it floods, and is stopped like a rule set that loops without end.
 */
public final class AlertFloodException extends RunawayRulesException {
    private static final long serialVersionUID = 1L;

    public AlertFloodException(String reason) {
        super(reason);
    }
}
