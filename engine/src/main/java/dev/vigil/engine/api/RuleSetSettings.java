package dev.vigil.engine.api;

import dev.vigil.dsl.Durations;
import java.time.Duration;
import java.util.Objects;

/**
 * How a rule set runs: its clock, how late an event may be, and the bounds of its session.
 *
 * <p>Each setting that sizes memory or time has a range, given by the constants below; a value
 * outside it is refused with a message naming the setting and the range.
 *
 * @param clockMode          event time (default) or realtime
 * @param allowedLateness    how far behind the newest event an event may arrive and still be put in
 *                           order; the watermark is the newest event time minus this (0 to {@link #MAX_LATENESS})
 * @param latePolicy         what happens to events behind the watermark
 * @param idleTimeout        how long without arrivals before the watermark follows the wall clock
 *                           (0 to {@link #MAX_IDLE_TIMEOUT})
 * @param allowUnknownFields whether event fields the type does not declare are ignored (else errors)
 * @param queueCapacity      events accepted but not yet processed before submissions are refused
 *                           (1 to {@link #MAX_QUEUE_CAPACITY})
 * @param maxFiringsPerStep  rule firings allowed for one event or clock step before the rule set
 *                           is considered to loop without end and is stopped (1 to {@link #MAX_FIRINGS_PER_STEP})
 * @param alertBudget        the most alerts it may raise for one event and within one second before
 *                           it is stopped as flooding; a limit not set (0) is the engine's, and
 *                           one set is never above the engine's
 * @param partitioning       the key by which it is spread over several sessions, or
 *                           {@link Partitioning#NONE}: one session
 * @param source             where its events come from: the API ({@link EventSource#API}), or a
 *                           transport that feeds it (a Kafka topic)
 */
public record RuleSetSettings(
        ClockMode clockMode,
        Duration allowedLateness,
        LatePolicy latePolicy,
        Duration idleTimeout,
        boolean allowUnknownFields,
        int queueCapacity,
        int maxFiringsPerStep,
        AlertBudget alertBudget,
        Partitioning partitioning,
        EventSource source) {

    /** The longest allowed lateness: the reorder buffer holds that much of the stream. */
    public static final Duration MAX_LATENESS = Duration.ofDays(30);
    /** The longest idle timeout. */
    public static final Duration MAX_IDLE_TIMEOUT = Duration.ofDays(1);
    /** The largest queue: ten times the default. */
    public static final int MAX_QUEUE_CAPACITY = 1_000_000;
    /** The most firings for one step: a hundred times the default. */
    public static final int MAX_FIRINGS_PER_STEP = 1_000_000;

    public static final RuleSetSettings DEFAULTS = new RuleSetSettings(
            ClockMode.EVENT_TIME, Duration.ZERO, LatePolicy.PROCESS, Duration.ofSeconds(1), false, 100_000, 10_000,
            AlertBudget.UNSET, Partitioning.NONE, EventSource.API);

    public RuleSetSettings {
        Objects.requireNonNull(clockMode, "clockMode");
        Objects.requireNonNull(allowedLateness, "allowedLateness");
        Objects.requireNonNull(latePolicy, "latePolicy");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(alertBudget, "alertBudget");
        Objects.requireNonNull(partitioning, "partitioning");
        Objects.requireNonNull(source, "source");
        within("allowedLateness", allowedLateness, MAX_LATENESS);
        within("idleTimeout", idleTimeout, MAX_IDLE_TIMEOUT);
        within("queueCapacity", queueCapacity, MAX_QUEUE_CAPACITY);
        within("maxFiringsPerStep", maxFiringsPerStep, MAX_FIRINGS_PER_STEP);
    }

    private static void within(String setting, Duration value, Duration most) {
        if (value.isNegative() || value.compareTo(most) > 0) {
            throw new IllegalArgumentException(setting + " must be between 0ms and " + Durations.format(most) + ", was "
                    + Durations.format(value));
        }
    }

    private static void within(String setting, int value, int most) {
        if (value < 1 || value > most) {
            throw new IllegalArgumentException(setting + " must be between 1 and " + most + ", was " + value);
        }
    }

    public RuleSetSettings withClockMode(ClockMode value) {
        return new RuleSetSettings(value, allowedLateness, latePolicy, idleTimeout, allowUnknownFields, queueCapacity, maxFiringsPerStep, alertBudget, partitioning, source);
    }

    public RuleSetSettings withAllowedLateness(Duration value) {
        return new RuleSetSettings(clockMode, value, latePolicy, idleTimeout, allowUnknownFields, queueCapacity, maxFiringsPerStep, alertBudget, partitioning, source);
    }

    public RuleSetSettings withLatePolicy(LatePolicy value) {
        return new RuleSetSettings(clockMode, allowedLateness, value, idleTimeout, allowUnknownFields, queueCapacity, maxFiringsPerStep, alertBudget, partitioning, source);
    }

    public RuleSetSettings withIdleTimeout(Duration value) {
        return new RuleSetSettings(clockMode, allowedLateness, latePolicy, value, allowUnknownFields, queueCapacity, maxFiringsPerStep, alertBudget, partitioning, source);
    }

    public RuleSetSettings withAllowUnknownFields(boolean value) {
        return new RuleSetSettings(clockMode, allowedLateness, latePolicy, idleTimeout, value, queueCapacity, maxFiringsPerStep, alertBudget, partitioning, source);
    }

    public RuleSetSettings withQueueCapacity(int value) {
        return new RuleSetSettings(clockMode, allowedLateness, latePolicy, idleTimeout, allowUnknownFields, value, maxFiringsPerStep, alertBudget, partitioning, source);
    }

    public RuleSetSettings withMaxFiringsPerStep(int value) {
        return new RuleSetSettings(clockMode, allowedLateness, latePolicy, idleTimeout, allowUnknownFields, queueCapacity, value, alertBudget, partitioning, source);
    }

    public RuleSetSettings withAlertBudget(AlertBudget value) {
        return new RuleSetSettings(clockMode, allowedLateness, latePolicy, idleTimeout, allowUnknownFields, queueCapacity,
                maxFiringsPerStep, value, partitioning, source);
    }

    public RuleSetSettings withPartitioning(Partitioning value) {
        return new RuleSetSettings(clockMode, allowedLateness, latePolicy, idleTimeout, allowUnknownFields, queueCapacity,
                maxFiringsPerStep, alertBudget, value, source);
    }

    public RuleSetSettings withSource(EventSource value) {
        return new RuleSetSettings(clockMode, allowedLateness, latePolicy, idleTimeout, allowUnknownFields, queueCapacity,
                maxFiringsPerStep, alertBudget, partitioning, value);
    }
}
