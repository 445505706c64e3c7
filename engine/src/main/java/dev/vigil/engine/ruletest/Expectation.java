package dev.vigil.engine.ruletest;

import dev.vigil.engine.alert.Alert;
import dev.vigil.engine.alert.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;

/**
 * An alert a test case expects, or expects not to see: every field given must equal the alert's.
 *
 * @param rule     the rule's name (required)
 * @param key      the alert's key, or null for any
 * @param at       the alert's event time after the case's start, or null for any
 * @param severity the alert's severity, or null for any
 * @param message  the alert's message, or null for any
 * @param line     where it is written
 */
public record Expectation(String rule, String key, Duration at, Severity severity, String message, int line) {
    /** Whether {@code alert}, raised in a case that started at {@code start}, is one this describes. */
    public boolean matches(Alert alert, Instant start) {
        return rule.equals(alert.rule()) && (key == null || key.equals(alert.key()))
                && (at == null || start.plus(at).equals(alert.eventTime()))
                && (severity == null || severity == alert.severity()) && (message == null || message.equals(alert.message()));
    }

    /** As a reader would say it: {@code an alert of rule "Velocity" with key a1 at 50s}. */
    public String describe() {
        var parts = new ArrayList<String>();
        parts.add("an alert of rule \"" + rule + "\"");
        if (key != null) {
            parts.add("with key " + key);
        }
        if (at != null) {
            parts.add("at " + RuleTests.offset(at));
        }
        if (severity != null) {
            parts.add("of severity " + severity.label());
        }
        if (message != null) {
            parts.add("saying \"" + message + "\"");
        }
        return String.join(" ", parts);
    }
}
