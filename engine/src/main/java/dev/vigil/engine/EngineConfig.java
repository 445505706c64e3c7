package dev.vigil.engine;

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
 */
public record EngineConfig(InstantSource clock, EngineListener listener, Duration tick, boolean allowUnsafeRules) {
    public EngineConfig {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(tick, "tick");
        if (tick.isNegative() || tick.isZero()) {
            throw new IllegalArgumentException("tick must be positive, was " + tick);
        }
    }

    /** The system clock, no listener, a 100 ms tick, unsafe rules refused. */
    public static EngineConfig defaults() {
        return new EngineConfig(InstantSource.system(), EngineListener.NONE, Duration.ofMillis(100), false);
    }

    public EngineConfig withClock(InstantSource value) {
        return new EngineConfig(value, listener, tick, allowUnsafeRules);
    }

    public EngineConfig withListener(EngineListener value) {
        return new EngineConfig(clock, value, tick, allowUnsafeRules);
    }

    public EngineConfig withTick(Duration value) {
        return new EngineConfig(clock, listener, value, allowUnsafeRules);
    }

    public EngineConfig withAllowUnsafeRules(boolean value) {
        return new EngineConfig(clock, listener, tick, value);
    }
}
