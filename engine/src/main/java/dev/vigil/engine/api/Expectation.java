package dev.vigil.engine.api;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;

/**
 * An alert a test case expects, or expects not to see: every field given must equal the alert's.
 *
 * @param rule     the rule's name (required)
 * @param key      the alert's key, or null for any
 * @param at       the alert's event time after the case's start, or null for any
 * @param severity the alert's severity, or null for any
 * @param message  the alert's message, or null for any
 * @param attributes attributes the alert must carry, with their values as written ({@code 6} matches
 *                 a count of 6 and an amount of 6.0); empty for any
 * @param line     where it is written
 */
public record Expectation(String rule, String key, Duration at, Severity severity, String message, Map<String, String> attributes,
                          int line) {
    public Expectation {
        attributes = Map.copyOf(attributes);
    }

    /** Whether {@code alert}, raised in a case that started at {@code start}, is one this describes. */
    public boolean matches(Alert alert, Instant start) {
        return rule.equals(alert.rule()) && (key == null || key.equals(alert.key()))
                && (at == null || start.plus(at).equals(alert.eventTime()))
                && (severity == null || severity == alert.severity()) && (message == null || message.equals(alert.message()))
                && attributes.entrySet().stream().allMatch(e -> same(e.getValue(), alert.attributes().get(e.getKey())));
    }

    private static boolean same(String expected, Object actual) {
        if (actual == null) {
            return false;
        }
        if (actual instanceof Number number) {
            try {
                return new BigDecimal(expected).compareTo(new BigDecimal(number.toString())) == 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return expected.equals(String.valueOf(actual));
    }

    /** As a reader would say it: {@code an alert of rule "Velocity" with key a1 at 50s}. */
    public String describe() {
        var parts = new ArrayList<String>();
        parts.add("an alert of rule \"" + rule + "\"");
        if (key != null) {
            parts.add("with key " + key);
        }
        if (at != null) {
            parts.add("at " + offset(at));
        }
        if (severity != null) {
            parts.add("of severity " + severity.label());
        }
        if (message != null) {
            parts.add("saying \"" + message + "\"");
        }
        if (!attributes.isEmpty()) {
            parts.add("with " + new TreeMap<>(attributes));
        }
        return String.join(" ", parts);
    }

    /** {@code 50s}, {@code 2m5s}, {@code 1h}, {@code 1500ms}: how a test file would write it. */
    public static String offset(Duration d) {
        if (d.isNegative()) {
            return "-" + offset(d.negated());
        }
        if (d.isZero()) {
            return "0s";
        }
        if (d.toMillisPart() != 0) {
            return d.toMillis() + "ms";
        }
        var out = new StringBuilder();
        if (d.toHours() > 0) {
            out.append(d.toHours()).append('h');
        }
        if (d.toMinutesPart() > 0) {
            out.append(d.toMinutesPart()).append('m');
        }
        if (d.toSecondsPart() > 0) {
            out.append(d.toSecondsPart()).append('s');
        }
        return out.toString();
    }
}
