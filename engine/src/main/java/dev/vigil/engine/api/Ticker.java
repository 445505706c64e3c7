package dev.vigil.engine.api;

/**
 * A stopwatch's source of nanoseconds, as {@link System#nanoTime}: it measures how long something
 * takes, never what time it is. Tests pass one they step.
 */
@FunctionalInterface
public interface Ticker {
    /** Nanoseconds from an arbitrary origin; only differences between readings mean anything. */
    long read();

    /** {@link System#nanoTime}, as one instance, so that callers can tell it from a ticker a test steps. */
    Ticker SYSTEM = System::nanoTime;

    /** {@link #SYSTEM}. */
    static Ticker system() {
        return SYSTEM;
    }
}

