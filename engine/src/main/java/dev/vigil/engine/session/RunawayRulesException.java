package dev.vigil.engine.session;

/** A rule set fired more rules for one step than its limit allows: it loops without end. */
public final class RunawayRulesException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RunawayRulesException(String ruleSet, int limit, String lastRule) {
        super("rule set '" + ruleSet + "' fired " + limit + " rules for a single event or clock step and was stopped"
                + (lastRule == null ? "" : "; the last rule to fire was '" + lastRule + "'")
                + ". A rule probably modifies or inserts facts that make it (or another rule) match again without end");
    }
}
