package dev.vigil.server.webhook;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.random.RandomGenerator;

/** When to try a failed delivery again: exponential backoff with jitter, or what the receiver's Retry-After asks. */
final class Backoff {
    private Backoff() {
    }

    /**
     * The wait before attempt {@code attempt + 1}, after {@code attempt} failures: {@code base}
     * doubled each time up to {@code cap}, then between half and all of that, at random, so that
     * many deliveries failing together do not come back together.
     */
    static Duration after(int attempt, Duration base, Duration cap, RandomGenerator random) {
        long ms = base.toMillis();
        for (int i = 1; i < attempt && ms < cap.toMillis(); i++) {
            ms *= 2;
        }
        ms = Math.min(ms, cap.toMillis());
        return Duration.ofMillis(ms / 2 + (long) (random.nextDouble() * (ms - ms / 2)));
    }

    /** The wait a Retry-After header asks for: seconds, or an HTTP date; empty when absent or unreadable. */
    static Optional<Duration> retryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        var value = header.trim();
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException e) {
            try {
                var at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
            } catch (DateTimeParseException unreadable) {
                return Optional.empty();
            }
        }
    }
}
