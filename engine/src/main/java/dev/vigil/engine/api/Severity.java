package dev.vigil.engine.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How urgent an alert is, set per rule with {@code @severity("high")}; {@link #MEDIUM} when absent. */
public enum Severity {
    LOW, MEDIUM, HIGH, CRITICAL;

    /** The severity named by {@code text}, in any case; IllegalArgumentException listing the accepted names otherwise. */
    public static Severity parse(String text) {
        for (var s : values()) {
            if (s.name().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a severity: use one of "
                + Arrays.stream(values()).map(Severity::label).collect(Collectors.joining(", ")));
    }

    /** The lower-case name used in rules and JSON. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
