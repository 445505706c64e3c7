package dev.vigil.architecture.broken.other;

import dev.vigil.architecture.broken.CycleStart;

/** The other half of a package cycle. */
public final class CycleEnd {
    public CycleStart back() {
        return null;
    }
}
