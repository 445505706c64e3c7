package dev.vigil.architecture.broken;

import dev.vigil.architecture.broken.other.CycleEnd;

/** One half of a package cycle: it imports {@link CycleEnd}, which imports it. */
public final class CycleStart {
    CycleEnd next() {
        return new CycleEnd();
    }
}
