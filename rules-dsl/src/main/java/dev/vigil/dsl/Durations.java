package dev.vigil.dsl;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/** Parses the durations rule authors write: {@code 500ms}, {@code 30s}, {@code 10m}, {@code 1h30m}, {@code 2d}, or ISO-8601. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Pattern WHOLE = Pattern.compile("((\\d+)(ms|s|m|h|d))+");

    private Durations() {
    }

    /** The duration {@code text} names; IllegalArgumentException saying what is accepted otherwise. */
    public static Duration parse(String text) {
        var trimmed = text == null ? "" : text.trim();
        if (trimmed.startsWith("P") || trimmed.startsWith("p")) {
            try {
                return Duration.parse(trimmed);
            } catch (DateTimeParseException e) {
                throw invalid(text);
            }
        }
        if (!WHOLE.matcher(trimmed).matches()) {
            throw invalid(text);
        }
        var total = Duration.ZERO;
        var m = PART.matcher(trimmed);
        try {
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                total = total.plus(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                });
            }
            total.toMillis();
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration: it must fit in milliseconds of a long");
        }
        return total;
    }

    /** {@code d} in the largest unit that divides it: {@code 15m}, {@code 90s}, {@code 500ms}; the form rules and DRL read. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms != 0) {
            for (var unit : new Object[][] {{86_400_000L, "d"}, {3_600_000L, "h"}, {60_000L, "m"}, {1_000L, "s"}}) {
                long size = (Long) unit[0];
                if (ms % size == 0) {
                    return ms / size + (String) unit[1];
                }
            }
        }
        return ms + "ms";
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("'" + text
                + "' is not a duration: write a number with ms, s, m, h or d (for example 30s, 10m, 1h30m) or ISO-8601 (PT10M)");
    }
}
