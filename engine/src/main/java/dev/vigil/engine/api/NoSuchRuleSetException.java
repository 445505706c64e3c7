package dev.vigil.engine.api;

import java.util.NoSuchElementException;

/** A call named a rule set that is not deployed. */
public final class NoSuchRuleSetException extends NoSuchElementException {
    private static final long serialVersionUID = 1L;

    public NoSuchRuleSetException(String ruleSet) {
        super("no rule set named '" + ruleSet + "' is deployed");
    }
}
