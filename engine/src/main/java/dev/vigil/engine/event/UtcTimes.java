package dev.vigil.engine.event;

import java.time.LocalDate;

/**
 * Reads the one form of ISO-8601 that nearly every event carries, {@code 2026-11-20T10:00:00Z} with
 * or without a fraction of a second, straight into epoch milliseconds.
 *
 * <p>{@code Instant.parse} goes through {@code DateTimeFormatter}'s general parser, which took a
 * quarter of a replay's time on the reading thread. Anything else (an offset, a leap second, a
 * date that does not exist) is left to that parser, which also words the errors.
 */
final class UtcTimes {
    /** Returned for a text of another form. */
    static final long OTHER = Long.MIN_VALUE;

    private UtcTimes() {
    }

    /** Epoch milliseconds of {@code text} in the form {@code yyyy-MM-ddTHH:mm:ss[.f...]Z}, or {@link #OTHER}. */
    static long millis(String text) {
        int n = text.length();
        if (n < 20 || n > 30 || text.charAt(n - 1) != 'Z' || text.charAt(4) != '-' || text.charAt(7) != '-'
                || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return OTHER;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 && day > LocalDate.of(year, month, 1).lengthOfMonth()
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return OTHER;
        }
        int millis = 0;
        if (n > 20) {
            if (text.charAt(19) != '.' || n == 21) {
                return OTHER;
            }
            int digits = n - 21;
            int fraction = digits(text, 20, Math.min(3, digits));
            if (fraction < 0 || digits > 3 && digits(text, 23, digits - 3) < 0) {
                return OTHER;
            }
            millis = fraction * (digits == 1 ? 100 : digits == 2 ? 10 : 1);
        }
        long days = LocalDate.of(year, month, day).toEpochDay();
        return ((days * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + millis;
    }

    /** The number written by {@code count} decimal digits at {@code from}, or -1 if one is not a digit. */
    private static int digits(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
