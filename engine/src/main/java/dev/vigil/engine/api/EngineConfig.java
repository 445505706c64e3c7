package dev.vigil.engine.api;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;

/**
 * How an {@link Engine} runs.
 *
 * @param clock    the wall clock: arrival time of events without {@code time}, alerts' {@code firedAt},
 *                 and what the watermark follows when input is idle. Tests pass one they step.
 * @param listener receives alerts, rule errors, late events and failures
 * @param tick     how often an idle session's worker wakes to let time pass
 * @param allowUnsafeRules take rule sets whose code exits the JVM, starts processes or threads,
 *                 uses reflection, files or the network (refused by default)
 * @param ruleTimeout how long a rule set's worker may stay in one step (a consequence, an event's
 *                 conditions, time passing) before its rule set is failed as looping without end
 * @param maxFacts the most facts one rule set's working memory may hold before it is failed
 * @param alertBudget the most alerts a rule set may raise for one event and within one second of
 *                 {@code clock} before it is failed as flooding; a rule set's settings may lower it
 * @param eventTimes the event times deployed rule sets take, measured against {@code clock};
 *                 replays take any time a rule set's clock can hold
 * @param ticker   the stopwatch the rule timeout is measured on: {@link Ticker#system()} looks by
 *                 itself; any other looks only when {@code Engine.checkRuleTimeouts()} is called, for
 *                 tests that step it
 */
public record EngineConfig(InstantSource clock, EngineListener listener, Duration tick, boolean allowUnsafeRules,
                           Duration ruleTimeout, long maxFacts, AlertBudget alertBudget, EventTimeBounds eventTimes,
                           Ticker ticker) {
    public EngineConfig {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(tick, "tick");
        Objects.requireNonNull(ruleTimeout, "ruleTimeout");
        Objects.requireNonNull(alertBudget, "alertBudget");
        Objects.requireNonNull(eventTimes, "eventTimes");
        Objects.requireNonNull(ticker, "ticker");
        if (alertBudget.perEvent() < 1 || alertBudget.perSecond() < 1) {
            throw new IllegalArgumentException("both limits of the alert budget must be set, was " + alertBudget);
        }
        if (tick.isNegative() || tick.isZero()) {
            throw new IllegalArgumentException("tick must be positive, was " + tick);
        }
        if (ruleTimeout.isNegative() || ruleTimeout.isZero()) {
            throw new IllegalArgumentException("ruleTimeout must be positive, was " + ruleTimeout);
        }
        if (maxFacts < 1) {
            throw new IllegalArgumentException("maxFacts must be positive, was " + maxFacts);
        }
    }

    /**
     * The system clock, no listener, a 100 ms tick, unsafe rules refused, 10 s for a step, 5,000,000
     * facts a rule set, {@link AlertBudget#DEFAULTS}, event times from the epoch to an hour ahead of
     * the clock ({@link EventTimeBounds#LIVE}).
     */
    public static EngineConfig defaults() {
        return new EngineConfig(InstantSource.system(), EngineListener.NONE, Duration.ofMillis(100), false, Duration.ofSeconds(10),
                5_000_000, AlertBudget.DEFAULTS, EventTimeBounds.LIVE, Ticker.system());
    }

    public EngineConfig withClock(InstantSource value) {
        return new EngineConfig(value, listener, tick, allowUnsafeRules, ruleTimeout, maxFacts, alertBudget, eventTimes, ticker);
    }

    public EngineConfig withListener(EngineListener value) {
        return new EngineConfig(clock, value, tick, allowUnsafeRules, ruleTimeout, maxFacts, alertBudget, eventTimes, ticker);
    }

    public EngineConfig withTick(Duration value) {
        return new EngineConfig(clock, listener, value, allowUnsafeRules, ruleTimeout, maxFacts, alertBudget, eventTimes, ticker);
    }

    public EngineConfig withAllowUnsafeRules(boolean value) {
        return new EngineConfig(clock, listener, tick, value, ruleTimeout, maxFacts, alertBudget, eventTimes, ticker);
    }

    public EngineConfig withRuleTimeout(Duration value) {
        return new EngineConfig(clock, listener, tick, allowUnsafeRules, value, maxFacts, alertBudget, eventTimes, ticker);
    }

    public EngineConfig withMaxFacts(long value) {
        return new EngineConfig(clock, listener, tick, allowUnsafeRules, ruleTimeout, value, alertBudget, eventTimes, ticker);
    }

    public EngineConfig withAlertBudget(AlertBudget value) {
        return new EngineConfig(clock, listener, tick, allowUnsafeRules, ruleTimeout, maxFacts, value, eventTimes, ticker);
    }

    public EngineConfig withEventTimes(EventTimeBounds value) {
        return new EngineConfig(clock, listener, tick, allowUnsafeRules, ruleTimeout, maxFacts, alertBudget, value, ticker);
    }

    public EngineConfig withTicker(Ticker value) {
        return new EngineConfig(clock, listener, tick, allowUnsafeRules, ruleTimeout, maxFacts, alertBudget, eventTimes, value);
    }
}
