package dev.vigil.engine.clock;

import java.time.Duration;

/**
 * The event-time watermark of one rule set: the highest event time seen minus the allowed lateness,
 * or, once no event has arrived for the idle timeout, that point moved forward with the wall clock.
 *
 * <p>The idle rule keeps absence rules firing when events stop: with event time close to arrival
 * time, {@code maxEventTime + (wallNow - wallAtLastArrival)} is what the newest event's time would
 * be if one arrived now. It only applies after {@code idleTimeout}, so a producer that backfills
 * history more slowly than real time does not make its own events late while it is sending.
 * Not thread-safe: owned by the session's worker.
 */
public final class Watermark {
    private final long lateness;
    private final long idleTimeout;
    private long maxEventTime = Long.MIN_VALUE;
    private long wallAtLastArrival;
    private long current = Long.MIN_VALUE;

    public Watermark(Duration allowedLateness, Duration idleTimeout) {
        this.lateness = allowedLateness.toMillis();
        this.idleTimeout = idleTimeout.toMillis();
    }

    /** Whether an event at {@code eventTime} arrives behind the watermark. */
    public boolean isLate(long eventTime) {
        return eventTime < current;
    }

    /** Records an arrival; returns the watermark after it. */
    public long observe(long eventTime, long wallNow) {
        wallAtLastArrival = wallNow;
        if (eventTime > maxEventTime) {
            maxEventTime = eventTime;
        }
        current = Math.max(current, maxEventTime - lateness);
        return current;
    }

    /** Moves the watermark with the wall clock when the input has been idle; returns it. */
    public long onIdle(long wallNow) {
        if (maxEventTime == Long.MIN_VALUE) {
            return current;
        }
        long idleFor = wallNow - wallAtLastArrival;
        if (idleFor >= idleTimeout) {
            current = Math.max(current, maxEventTime + idleFor - lateness);
        }
        return current;
    }

    /**
     * Moves the watermark to {@code time} where it is behind: the watermark an input had reached
     * before it was read again from an earlier point. Returns it.
     */
    public long raiseTo(long time) {
        current = Math.max(current, time);
        return current;
    }

    /** The current watermark, {@link Long#MIN_VALUE} before the first event. */
    public long current() {
        return current;
    }

    /** Releases everything: the end of a finite input. */
    public long close() {
        current = Math.max(current, maxEventTime);
        return current;
    }
}
