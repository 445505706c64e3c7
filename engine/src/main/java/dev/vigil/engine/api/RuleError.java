package dev.vigil.engine.api;

import java.time.Instant;

/**
 * A rule consequence that threw. The session reports it and keeps running.
 *
 * @param ruleSet   the rule set's name
 * @param rule      the rule whose consequence threw
 * @param message   the exception's class and message
 * @param eventTime the session clock at the time
 */
public record RuleError(String ruleSet, String rule, String message, Instant eventTime) {
}
