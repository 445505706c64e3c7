package dev.vigil.architecture.broken;

/** Reads the wall clock, as no engine class may. */
final class ReadsTheWallClock {
    long now() {
        return System.currentTimeMillis();
    }
}
