package dev.vigil.engine.api;

import java.util.Locale;

/** A submission to a rule set that has stopped; the reason says why. Deploy it again to restart it. */
public final class RuleSetFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RuleSetFailedException(String message) {
        super(message);
    }

    public RuleSetFailedException(String ruleSet, RuleSetStatus status) {
        super("rule set '" + ruleSet + "' is " + status.state().name().toLowerCase(Locale.ROOT)
                + (status.reason() == null ? "" : ": " + status.reason()));
    }
}
