package dev.vigil.server.cli;

import dev.vigil.dsl.Durations;
import dev.vigil.engine.api.EventTimeBounds;
import dev.vigil.engine.api.ReplayOrder;
import java.time.Duration;
import java.time.Instant;

/**
 * The values a {@code vigil serve} option that sizes memory or time accepts, and the check that
 * refuses any other naming the option and the range.
 *
 * <p>The bounds are far from the defaults in both directions, so that they catch a slip (a missing
 * unit, a digit too many) without standing in the way of a real deployment.
 *
 * @param option the option, as written on the command line
 * @param least  the smallest value taken: a count, bytes, milliseconds, or epoch milliseconds
 * @param most   the largest value taken
 * @param unit   what the values count, for messages
 */
record OptionRange(String option, long least, long most, Unit unit) {
    /** What an option's values count. */
    enum Unit { COUNT, BYTES, MILLIS, INSTANT }

    static final OptionRange JOURNAL_RETENTION = duration("--journal-retention", Duration.ZERO, Duration.ofDays(365));
    static final OptionRange WEBHOOK_TIMEOUT = duration("--webhook-timeout", Duration.ofMillis(1), Duration.ofMinutes(10));
    static final OptionRange WEBHOOK_MAX_AGE = duration("--webhook-max-age", Duration.ofMillis(1), Duration.ofDays(30));
    static final OptionRange WEBHOOK_CONCURRENCY = new OptionRange("--webhook-concurrency", 1, 256, Unit.COUNT);
    static final OptionRange REPLAY_JOB_SIZE = new OptionRange("--replay-job-size", 0, 1L << 30, Unit.BYTES);
    static final OptionRange REPLAY_JOB_EVENTS = new OptionRange("--replay-job-events", 0, 10_000_000, Unit.COUNT);
    static final OptionRange REPLAY_SORT_MEMORY = new OptionRange("--replay-sort-memory", ReplayOrder.MIN_SORT_MEMORY,
            ReplayOrder.MAX_SORT_MEMORY, Unit.COUNT);
    static final OptionRange PROGRESS_INTERVAL = duration("--progress-interval", Duration.ofMillis(100), Duration.ofHours(1));
    static final OptionRange SORT_MEMORY = new OptionRange("--sort-memory", ReplayOrder.MIN_SORT_MEMORY, ReplayOrder.MAX_SORT_MEMORY,
            Unit.COUNT);
    static final OptionRange MAX_BODY = new OptionRange("--max-body", 1, 1L << 30, Unit.BYTES);
    static final OptionRange MAX_EVENTS_PER_REQUEST = new OptionRange("--max-events-per-request", 1, 1_000_000, Unit.COUNT);
    static final OptionRange MAX_EVENT_FIELDS = new OptionRange("--max-event-fields", 1, 10_000, Unit.COUNT);
    static final OptionRange MAX_STRING_LENGTH = new OptionRange("--max-string-length", 1, 16L << 20, Unit.COUNT);
    static final OptionRange MAX_RULE_SET_FILES = new OptionRange("--max-rule-set-files", 1, 10_000, Unit.COUNT);
    static final OptionRange MAX_RULE_SET_SIZE = new OptionRange("--max-rule-set-size", 1, 64L << 20, Unit.BYTES);
    static final OptionRange MAX_STREAMS = new OptionRange("--max-streams", 1, 10_000, Unit.COUNT);
    static final OptionRange RATE_LIMIT = new OptionRange("--rate-limit", 0, 1_000_000, Unit.COUNT);
    static final OptionRange REQUEST_TIMEOUT = duration("--request-timeout", Duration.ofMillis(1), Duration.ofHours(1));
    static final OptionRange MAX_FACTS = new OptionRange("--max-facts", 1, 100_000_000, Unit.COUNT);
    static final OptionRange MAX_EVENT_TIME_AHEAD = duration("--max-event-time-ahead", EventTimeBounds.MIN_AHEAD,
            EventTimeBounds.MAX_AHEAD);
    static final OptionRange MIN_EVENT_TIME = new OptionRange("--min-event-time", EventTimeBounds.FIRST.toEpochMilli(),
            EventTimeBounds.LAST.toEpochMilli(), Unit.INSTANT);

    static final OptionRange KAFKA_COMMIT_INTERVAL = duration("--kafka-commit-interval", Duration.ofMillis(10), Duration.ofSeconds(60));
    static final OptionRange KAFKA_TRANSACTION_TIMEOUT = duration("--kafka-transaction-timeout", Duration.ofSeconds(1),
            Duration.ofMinutes(15));
    static final OptionRange KAFKA_SESSION_TIMEOUT = duration("--kafka-session-timeout", Duration.ofSeconds(6), Duration.ofMinutes(5));
    static final OptionRange KAFKA_MAX_REBUILD = duration("--kafka-max-rebuild", Duration.ofMinutes(1), Duration.ofDays(30));

    private static OptionRange duration(String option, Duration least, Duration most) {
        return new OptionRange(option, least.toMillis(), most.toMillis(), Unit.MILLIS);
    }

    /** {@code value} when it is in range; IllegalArgumentException naming the option and the range otherwise. */
    long check(long value) {
        if (value < least || value > most) {
            throw new IllegalArgumentException(option + ": must be between " + format(least) + " and " + format(most) + ", was "
                    + format(value));
        }
        return value;
    }

    /** {@code value} when it is in range; IllegalArgumentException naming the option and the range otherwise. */
    Duration check(Duration value) {
        // Past the milliseconds of a long any duration is out of range: compare it whole.
        if (value.compareTo(Duration.ofMillis(least)) < 0 || value.compareTo(Duration.ofMillis(most)) > 0) {
            throw new IllegalArgumentException(option + ": must be between " + format(least) + " and " + format(most) + ", was "
                    + Durations.format(value));
        }
        return value;
    }

    /** {@code value} when it is in range; IllegalArgumentException naming the option and the range otherwise. */
    Instant check(Instant value) {
        if (value.isBefore(Instant.ofEpochMilli(least)) || value.isAfter(Instant.ofEpochMilli(most))) {
            throw new IllegalArgumentException(option + ": must be between " + format(least) + " and " + format(most) + ", was " + value);
        }
        return value;
    }

    private String format(long value) {
        return switch (unit) {
            case COUNT -> Long.toString(value);
            case BYTES -> bytes(value);
            case MILLIS -> Durations.format(Duration.ofMillis(value));
            case INSTANT -> Instant.ofEpochMilli(value).toString();
        };
    }

    /** {@code value} bytes in the largest unit that divides it, as the size options are written: {@code 1GB}, {@code 512KB}. */
    private static String bytes(long value) {
        var units = new String[] {"B", "KB", "MB", "GB"};
        int unit = 0;
        while (unit < units.length - 1 && value != 0 && value % 1024 == 0) {
            value /= 1024;
            unit++;
        }
        return value + units[unit];
    }
}
