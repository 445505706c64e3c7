package dev.vigil.engine.api;

/**
 * How far a replay has come, for a progress display that polls it from another thread: first, when
 * the replay sorts, the input read and sorted; then the events processed, those the session has
 * taken (not those the reader has decoded ahead of it).
 */
public interface ReplayProgress {
    /** What a replay is doing. */
    enum Phase {
        /** Reading the whole input and sorting it by event time; {@link #read()} counts. */
        SORTING,
        /** Running the events through the session; {@link #processed()} counts. */
        RUNNING
    }

    Phase phase();

    /** Events read from the input so far. */
    long read();

    /** Events the session has taken so far, valid or not. */
    long processed();

    /** Every event of the input once the sort has read it; -1 while not known (an input taken as given). */
    long total();
}
