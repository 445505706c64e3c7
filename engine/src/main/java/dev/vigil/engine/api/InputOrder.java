package dev.vigil.engine.api;

import java.time.Duration;
import java.util.Objects;

/**
 * How far from event-time order a replay's input was, counted over its events that carry a time,
 * in input order.
 *
 * @param sorted     whether the replay sorted the input by event time before running it
 * @param outOfOrder events that came after an event with a later time
 * @param maxBehind  the most any event's time was behind the latest time before it; zero when none was
 */
public record InputOrder(boolean sorted, long outOfOrder, Duration maxBehind) {
    public InputOrder {
        Objects.requireNonNull(maxBehind, "maxBehind");
    }

    public InputOrder withSorted(boolean value) {
        return new InputOrder(value, outOfOrder, maxBehind);
    }
}
