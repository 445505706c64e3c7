package dev.vigil.engine.replay;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How far a replay has come, for a progress display that polls it from another thread: first, when
 * the replay sorts, the input read and sorted; then the events processed, those the session has
 * taken (not those the reader has decoded ahead of it).
 */
public final class ReplayProgress {
    /** What a replay is doing. */
    public enum Phase {
        /** Reading the whole input and sorting it by event time; {@link #read()} counts. */
        SORTING,
        /** Running the events through the session; {@link #processed()} counts. */
        RUNNING
    }

    private final AtomicLong read = new AtomicLong();
    private final AtomicLong processed = new AtomicLong();
    private volatile Phase phase;
    private volatile long total = -1;

    /** Progress of a replay that starts by sorting its input when {@code sorts}. */
    public ReplayProgress(boolean sorts) {
        this.phase = sorts ? Phase.SORTING : Phase.RUNNING;
    }

    public Phase phase() {
        return phase;
    }

    /** Events read from the input so far. */
    public long read() {
        return read.get();
    }

    /** Events the session has taken so far, valid or not. */
    public long processed() {
        return processed.get();
    }

    /** Every event of the input once the sort has read it; -1 while not known (an input taken as given). */
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
}
