package dev.vigil.engine.ruleset;

import dev.vigil.engine.alert.AlertBudget;
import dev.vigil.engine.clock.ClockMode;
import dev.vigil.engine.clock.LatePolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * How a rule set runs: its clock, how late an event may be, and the bounds of its session.
 *
 * @param clockMode          event time (default) or realtime
 * @param allowedLateness    how far behind the newest event an event may arrive and still be put in
 *                           order; the watermark is the newest event time minus this
 * @param latePolicy         what happens to events behind the watermark
 * @param idleTimeout        how long without arrivals before the watermark follows the wall clock
 * @param allowUnknownFields whether event fields the type does not declare are ignored (else errors)
 * @param queueCapacity      events accepted but not yet processed before submissions are refused
 * @param maxFiringsPerStep  rule firings allowed for one event or clock step before the rule set
 *                           is considered to loop without end and is stopped
 * @param alertBudget        the most alerts it may raise for one event and within one second before
 *                           it is stopped as flooding; a limit not set (0) is the engine's, and
 *                           one set is never above the engine's
 */
public record RuleSetSettings(
        ClockMode clockMode,
        Duration allowedLateness,
        LatePolicy latePolicy,
        Duration idleTimeout,
        boolean allowUnknownFields,
        int queueCapacity,
        int maxFiringsPerStep,
        AlertBudget alertBudget) {

    public static final RuleSetSettings DEFAULTS = new RuleSetSettings(
            ClockMode.EVENT_TIME, Duration.ZERO, LatePolicy.PROCESS, Duration.ofSeconds(1), false, 100_000, 10_000,
            AlertBudget.UNSET);

    public RuleSetSettings {
        Objects.requireNonNull(clockMode, "clockMode");
        Objects.requireNonNull(allowedLateness, "allowedLateness");
        Objects.requireNonNull(latePolicy, "latePolicy");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(alertBudget, "alertBudget");
        if (allowedLateness.isNegative()) {
            throw new IllegalArgumentException("allowedLateness must not be negative, was " + allowedLateness);
        }
        if (idleTimeout.isNegative()) {
            throw new IllegalArgumentException("idleTimeout must not be negative, was " + idleTimeout);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be at least 1, was " + queueCapacity);
        }
        if (maxFiringsPerStep < 1) {
            throw new IllegalArgumentException("maxFiringsPerStep must be at least 1, was " + maxFiringsPerStep);
        }
    }

    public RuleSetSettings withClockMode(ClockMode value) {
        return new RuleSetSettings(value, allowedLateness, latePolicy, idleTimeout, allowUnknownFields, queueCapacity, maxFiringsPerStep, alertBudget);
    }

    public RuleSetSettings withAllowedLateness(Duration value) {
        return new RuleSetSettings(clockMode, value, latePolicy, idleTimeout, allowUnknownFields, queueCapacity, maxFiringsPerStep, alertBudget);
    }

    public RuleSetSettings withLatePolicy(LatePolicy value) {
        return new RuleSetSettings(clockMode, allowedLateness, value, idleTimeout, allowUnknownFields, queueCapacity, maxFiringsPerStep, alertBudget);
    }

    public RuleSetSettings withIdleTimeout(Duration value) {
        return new RuleSetSettings(clockMode, allowedLateness, latePolicy, value, allowUnknownFields, queueCapacity, maxFiringsPerStep, alertBudget);
    }

    public RuleSetSettings withAllowUnknownFields(boolean value) {
        return new RuleSetSettings(clockMode, allowedLateness, latePolicy, idleTimeout, value, queueCapacity, maxFiringsPerStep, alertBudget);
    }

    public RuleSetSettings withQueueCapacity(int value) {
        return new RuleSetSettings(clockMode, allowedLateness, latePolicy, idleTimeout, allowUnknownFields, value, maxFiringsPerStep, alertBudget);
    }

    public RuleSetSettings withMaxFiringsPerStep(int value) {
        return new RuleSetSettings(clockMode, allowedLateness, latePolicy, idleTimeout, allowUnknownFields, queueCapacity, value, alertBudget);
    }

    public RuleSetSettings withAlertBudget(AlertBudget value) {
        return new RuleSetSettings(clockMode, allowedLateness, latePolicy, idleTimeout, allowUnknownFields, queueCapacity,
                maxFiringsPerStep, value);
    }
}
