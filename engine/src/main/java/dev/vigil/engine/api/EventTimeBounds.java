package dev.vigil.engine.api;

import dev.vigil.dsl.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The event times a decoder takes.
 *
 * <p>Every decoder refuses a time that a rule set's clock cannot hold: before the epoch, where a
 * session's pseudo clock starts and from where it only moves forward, or after the end of the year
 * 9999, the last instant ISO-8601 writes with four digits and far enough from the end of a long
 * of milliseconds that windows and expiry offsets added to it cannot overflow. Live input is bound
 * closer, as Kafka bounds a record's timestamp ({@code message.timestamp.after.max.ms}): one event
 * stamped far in the future would move the watermark there and make every later event late, so a
 * time further ahead of the wall clock than {@code maxAhead}, or before {@code earliest}, is refused.
 * Replays of history have no wall-clock bound.
 *
 * @param earliest the earliest event time taken, between {@link #FIRST} and {@link #LAST}
 * @param maxAhead how far ahead of the wall clock an event time may be, between {@link #MIN_AHEAD}
 *                 and {@link #MAX_AHEAD}; null for no bound (history)
 */
public record EventTimeBounds(Instant earliest, Duration maxAhead) {
    /** The earliest time a rule set's clock can hold. */
    public static final Instant FIRST = Instant.EPOCH;
    /** The latest time a rule set's clock can hold. */
    public static final Instant LAST = Instant.parse("9999-12-31T23:59:59.999Z");
    /** The least {@code maxAhead}: senders' clocks are never exactly the server's. */
    public static final Duration MIN_AHEAD = Duration.ofSeconds(1);
    /** The most {@code maxAhead}: beyond it the bound would no longer keep a mistaken time from stalling the rules. */
    public static final Duration MAX_AHEAD = Duration.ofDays(7);
    /** Replays of history: any time a rule set's clock can hold. */
    public static final EventTimeBounds HISTORY = new EventTimeBounds(FIRST, null);
    /** Live input by default: from the epoch to an hour ahead of the wall clock. */
    public static final EventTimeBounds LIVE = new EventTimeBounds(FIRST, Duration.ofHours(1));

    public EventTimeBounds {
        Objects.requireNonNull(earliest, "earliest");
        if (earliest.isBefore(FIRST) || earliest.isAfter(LAST)) {
            throw new IllegalArgumentException("the earliest event time must be between " + FIRST + " and " + LAST + ", was " + earliest);
        }
        if (maxAhead != null && (maxAhead.compareTo(MIN_AHEAD) < 0 || maxAhead.compareTo(MAX_AHEAD) > 0)) {
            throw new IllegalArgumentException("how far ahead of the clock an event time may be must be between "
                    + Durations.format(MIN_AHEAD) + " and " + Durations.format(MAX_AHEAD) + ", was " + Durations.format(maxAhead));
        }
    }

    /** The latest event time taken when the wall clock reads {@code now} (epoch milliseconds). */
    public long latest(long now) {
        long last = LAST.toEpochMilli();
        return maxAhead == null || now >= last - maxAhead.toMillis() ? last : Math.max(FIRST.toEpochMilli(), now + maxAhead.toMillis());
    }

    /** Whether an event at {@code time} is taken when the wall clock reads {@code now} (both epoch milliseconds). */
    public boolean admits(long time, long now) {
        return problem(time, now) == null;
    }

    /** What is wrong with an event at {@code time} when the wall clock reads {@code now}; null when it is taken. */
    public String problem(long time, long now) {
        if (time < earliest.toEpochMilli()) {
            return Instant.ofEpochMilli(time) + " is before " + earliest + ", the earliest event time taken";
        }
        if (time > LAST.toEpochMilli()) {
            return Instant.ofEpochMilli(time) + " is after " + LAST + ", the latest time a rule set's clock can hold";
        }
        if (time > latest(now)) {
            return Instant.ofEpochMilli(time) + " is more than " + Durations.format(maxAhead) + " ahead of the clock, which reads "
                    + Instant.ofEpochMilli(now) + ": so far ahead it would make every later event late; give the time the event "
                    + "happened, or correct the sender's clock";
        }
        return null;
    }

    /** Epoch milliseconds of {@code instant}; IllegalArgumentException when a rule set's clock cannot hold it. */
    public static long representable(Instant instant) {
        if (instant.isBefore(FIRST) || instant.isAfter(LAST)) {
            throw new IllegalArgumentException(instant + " is outside the times a rule set's clock can hold, " + FIRST + " to " + LAST);
        }
        return instant.toEpochMilli();
    }
}
