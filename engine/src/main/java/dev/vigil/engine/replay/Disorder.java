package dev.vigil.engine.replay;

import dev.vigil.engine.api.InputOrder;
import java.time.Duration;

/** Counts, over event times seen in input order, how many came after a later one and how far behind. */
final class Disorder {
    /** The time of an event that has none, or none that is a time: it sorts after every other. */
    static final long UNTIMED = Long.MAX_VALUE;

    private long latest = Long.MIN_VALUE;
    private long outOfOrder;
    private long maxBehind;

    /** The next event's time, {@link #UNTIMED} not counted. */
    void observe(long time) {
        if (time == UNTIMED) {
            return;
        }
        if (time < latest) {
            outOfOrder++;
            long behind = latest - time;
            // Only an overflow makes it negative: times a whole long apart.
            maxBehind = Math.max(maxBehind, behind < 0 ? Long.MAX_VALUE : behind);
        } else {
            latest = time;
        }
    }

    InputOrder report(boolean sorted) {
        return new InputOrder(sorted, outOfOrder, Duration.ofMillis(maxBehind));
    }
}
