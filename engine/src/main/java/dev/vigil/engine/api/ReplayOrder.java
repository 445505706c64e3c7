package dev.vigil.engine.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The order in which a replay hands its input to the session: sorted by event time first (the
 * default, as a batch run over bounded input), or as given, through the watermark and the allowed
 * lateness as a live stream goes.
 *
 * <p>The sort is stable (events of the same time keep their input order). An event without a time
 * happens when it arrives, as in a live stream: in a replay that is after the input's last event,
 * so such events go last, in input order. The sort holds at most {@code sortMemory} events in
 * memory; past that it writes sorted runs to files in {@code spillFolder} and merges them, and
 * deletes them when the replay ends, however it ends.
 *
 * @param sorted      true: sorted by event time; false: as given
 * @param sortMemory  the most events the sort holds in memory (at least 1)
 * @param spillFolder where sorted runs go past {@code sortMemory}; created when missing
 */
public record ReplayOrder(boolean sorted, int sortMemory, Path spillFolder) {
    /**
     * The default of {@code sortMemory}: about 250 MB of events like the samples' at most, since
     * the sort holds each event as its JSON bytes. A file of up to a million events sorts in memory
     * at no measurable cost; spilling costs more (BENCHMARKS.md).
     */
    public static final int DEFAULT_SORT_MEMORY = 1_000_000;
    /** The smallest {@code sortMemory} the server and the command line take. */
    public static final int MIN_SORT_MEMORY = 1_000;
    /** The largest {@code sortMemory} the server and the command line take: some tens of GB of events. */
    public static final int MAX_SORT_MEMORY = 50_000_000;

    public ReplayOrder {
        Objects.requireNonNull(spillFolder, "spillFolder");
        if (sortMemory < 1) {
            throw new IllegalArgumentException("sortMemory must be at least 1, was " + sortMemory);
        }
    }

    /** Sorted by event time, holding {@link #DEFAULT_SORT_MEMORY} events, spilling to the system's temporary folder. */
    public static ReplayOrder defaults() {
        return new ReplayOrder(true, DEFAULT_SORT_MEMORY, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** This order sorting or taking the input as given. */
    public ReplayOrder withSorted(boolean value) {
        return new ReplayOrder(value, sortMemory, spillFolder);
    }

    public ReplayOrder withSortMemory(int value) {
        return new ReplayOrder(sorted, value, spillFolder);
    }

    public ReplayOrder withSpillFolder(Path value) {
        return new ReplayOrder(sorted, sortMemory, value);
    }

    /** {@code "event-time"} or {@code "as-given"}: the words of the API's {@code ordered}. */
    public String label() {
        return sorted ? "event-time" : "as-given";
    }
}
