package dev.vigil.engine.replay;

import dev.vigil.engine.api.ReplayProgress;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;

/** The counters of a replay's progress: the replay counts, a display reads them from another thread. */
public final class ProgressCounters implements ReplayProgress {
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong processed = new AtomicLong();
    private volatile Phase phase;
    private volatile long total = -1;
    private volatile boolean stopAsked;

    /** Counters of a replay that starts by sorting its input when {@code sorts}. */
    public ProgressCounters(boolean sorts) {
        this.phase = sorts ? Phase.SORTING : Phase.RUNNING;
    }

    @Override
    public Phase phase() {
        return phase;
    }

    @Override
    public long read() {
        return read.get();
    }

    @Override
    public long processed() {
        return processed.get();
    }

    @Override
    public long total() {
        return total;
    }
    void addRead(long events) {
        read.addAndGet(events);
    }

    /** The sort has read all {@code events} of the input: running starts. */
    void sorted(long events) {
        total = events;
        phase = Phase.RUNNING;
    }

    void addProcessed(long events) {
        processed.addAndGet(events);
    }

    /** Asks the replay to stop after the batch it is running. */
    public void stop() {
        stopAsked = true;
    }

    /** Throws CancellationException when {@link #stop()} was asked; the replay calls it between batches. */
    void checkStop() {
        if (stopAsked) {
            throw new CancellationException("stopped after " + processed.get() + " events");
        }
    }
}
