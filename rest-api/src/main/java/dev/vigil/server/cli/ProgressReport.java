package dev.vigil.server.cli;

import dev.vigil.engine.api.ReplayProgress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * What {@code vigil replay} says of its progress, read from the replay's {@link ReplayProgress}:
 * the sort as a phase of its own, then the events processed (taken by the session, not read ahead)
 * of all, their rate and the time left. As a bar redrawn on a terminal, or as lines, one every
 * {@code every}, for a log. Times are nanoseconds of a monotonic clock the caller reads.
 *
 * <p>Taken as given, the number of events is not known before the end: it is estimated from the
 * share of the file read so far, and said to be an estimate.
 */
final class ProgressReport {
    private static final int BAR = 30;

    private final ReplayProgress progress;
    private final boolean sorts;
    private final long size;
    private final LongSupplier bytesRead;
    private final LongSupplier eventsRead;
    private final long everyNanos;
    private final long started;
    /** When the replay was first seen running; -1 while it sorts. */
    private long runningSince;
    private long lastLine;
    private boolean sortReported;

    /**
     * @param sorts      whether the replay sorts its input first
     * @param size       the input file's size in bytes
     * @param bytesRead  how many of them were read so far
     * @param eventsRead how many events were read so far
     * @param every      how often a line is due
     * @param started    when the replay started
     */
    ProgressReport(ReplayProgress progress, boolean sorts, long size, LongSupplier bytesRead, LongSupplier eventsRead, Duration every,
                   long started) {
        this.progress = progress;
        this.sorts = sorts;
        this.size = Math.max(1, size);
        this.bytesRead = bytesRead;
        this.eventsRead = eventsRead;
        this.everyNanos = every.toNanos();
        this.started = started;
        this.lastLine = started;
        this.runningSince = sorts ? -1 : started;
    }

    /** The lines due at {@code now}: the end of the sort once, and the state once {@code every} has passed since the last line. */
    List<String> due(long now) {
        return lines(now, false);
    }

    /** The lines of the end: the end of the sort when not said yet, and the state. */
    List<String> last(long now) {
        return lines(now, true);
    }

    private List<String> lines(long now, boolean end) {
        var lines = new ArrayList<String>();
        noteRunning(now);
        if (sorts && runningSince >= 0 && !sortReported) {
            sortReported = true;
            lines.add(String.format(Locale.ROOT, "sorted %,d events by event time in %s", progress.total(),
                    seconds(runningSince - started)));
        }
        if (end || now - lastLine >= everyNanos) {
            lines.add(state(now));
            lastLine = now;
        }
        return lines;
    }

    /** The state as one line for a terminal: a bar while replaying. */
    String bar(long now) {
        noteRunning(now);
        if (runningSince < 0) {
            return state(now);
        }
        double done = fraction();
        int filled = (int) (done * BAR);
        return "[" + "=".repeat(filled) + " ".repeat(BAR - filled) + "] " + state(now);
    }

    private void noteRunning(long now) {
        if (runningSince < 0 && progress.phase() == ReplayProgress.Phase.RUNNING) {
            runningSince = now;
        }
    }

    /** "sorting: 120,000 events read (24% of the file)", or "replayed 1,000 of 4,000 events (25%), 500 events/s, 6 s left". */
    String state(long now) {
        if (runningSince < 0) {
            return String.format(Locale.ROOT, "sorting: %,d events read (%.0f%% of the file)", progress.read(), 100 * fileRead());
        }
        long processed = progress.processed();
        double seconds = Math.max(1e-3, (now - runningSince) / 1e9);
        double rate = processed / seconds;
        double done = fraction();
        boolean known = progress.total() >= 0;
        var about = known ? "" : "about ";
        var left = rate <= 0 || done <= 0 ? "" : ", " + about + timeLeft(seconds * (1 - done) / done) + " left";
        if (known) {
            return String.format(Locale.ROOT, "replayed %,d of %,d events (%.0f%%), %,.0f events/s%s", processed, progress.total(),
                    100 * done, rate, left);
        }
        return String.format(Locale.ROOT, "replayed %,d events (about %.0f%%), %,.0f events/s%s", processed, 100 * done, rate, left);
    }

    /** The share of all events processed: of the total once known, else of an estimate from the share of the file read. */
    private double fraction() {
        long processed = progress.processed();
        if (progress.total() >= 0) {
            return progress.total() == 0 ? 1 : Math.min(1, processed / (double) progress.total());
        }
        double read = fileRead();
        double estimate = read <= 0 ? 0 : eventsRead.getAsLong() / read;
        return estimate <= 0 ? 0 : Math.min(1, processed / estimate);
    }

    private double fileRead() {
        return Math.min(1, bytesRead.getAsLong() / (double) size);
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }

    /** "45 s", "3 min 20 s", "2 h 5 min". */
    static String timeLeft(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min " + s % 60 + " s";
        }
        return s / 3600 + " h " + s % 3600 / 60 + " min";
    }
}
