package dev.vigil.engine.api;

/**
 * A rule set went past a limit on what its rules may do for one step: it fired more rules for one
 * event or clock step than its limit allows (it loops without end), or it raised more alerts than
 * its budget ({@link AlertFloodException}).
 */
public class RunawayRulesException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RunawayRulesException(String ruleSet, int limit, String lastRule) {
        this("rule set '" + ruleSet + "' fired " + limit + " rules for a single event or clock step and was stopped"
                + (lastRule == null ? "" : "; the last rule to fire was '" + lastRule + "'")
                + ". A rule probably modifies or inserts facts that make it (or another rule) match again without end");
    }

    public RunawayRulesException(String message) {
        super(message);
    }
}
