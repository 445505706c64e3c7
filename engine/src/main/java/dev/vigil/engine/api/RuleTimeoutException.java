package dev.vigil.engine.api;

import java.time.Duration;

/** A replay or rule test whose rule did not return within the rule timeout: its session was stopped. */
public final class RuleTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String rule;
    private final Duration timeout;

    public RuleTimeoutException(String ruleSet, String rule, Duration timeout) {
        super((rule == null ? "the rules of rule set '" + ruleSet + "'" : "rule '" + rule + "' of rule set '" + ruleSet + "'")
                + " did not return for " + timeout.toMillis() + " ms (an endless loop?), and its session was stopped");
        this.rule = rule;
        this.timeout = timeout;
    }

    /** The rule whose code ran, null when no rule's code was on the stopped thread's stack. */
    public String rule() {
        return rule;
    }

    /** The rule timeout it ran past. */
    public Duration timeout() {
        return timeout;
    }
}
