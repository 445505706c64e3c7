package dev.vigil.engine.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What a replay did.
 *
 * @param events          events read from the input
 * @param invalidEvents   events that could not be decoded (listed in the result) and were skipped
 * @param lateEvents      events that arrived behind the watermark
 * @param alertsPerRule   alerts raised per rule
 * @param suppressed      alerts held back by {@code @suppress}
 * @param ruleErrors      consequences that threw
 * @param elapsed         time taken
 * @param eventsPerSecond events divided by elapsed seconds
 * @param firstEventTime  the earliest event time among the events taken; null when none was
 * @param lastEventTime   the latest
 * @param order           how far from event-time order the input was, and whether it was sorted
 */
public record ReplayStats(
        long events,
        long invalidEvents,
        long lateEvents,
        Map<String, Long> alertsPerRule,
        long suppressed,
        long ruleErrors,
        Duration elapsed,
        double eventsPerSecond,
        Instant firstEventTime,
        Instant lastEventTime,
        InputOrder order) {
    public ReplayStats {
        alertsPerRule = Map.copyOf(alertsPerRule);
        Objects.requireNonNull(order, "order");
    }
}
