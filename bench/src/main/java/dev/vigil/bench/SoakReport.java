package dev.vigil.bench;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The soak's summary, its flatness verdict and a table of the run in sixths.
 *
 * <p><b>Which heap.</b> The heap in use at a moment mostly measures how full the young generation
 * happens to be; what a leak moves is what survives collection. The metrics give two readings of
 * it and neither is the live heap at every sample. The old generation and survivors in use (the
 * heap right after the last young collection, since both only change at collections) hold what
 * was promoted since the last full collection, dead or not: in this soak most events outlive a
 * few young collections (fraud keeps payments 30 days of event time, 15 to 30 s of the run) and
 * die in the old generation, so that reading climbs by hundreds of MB between full collections
 * whether anything leaks or not. The old generation after the last full collection
 * ({@code jvm_gc_live_data_size}) is the live heap, exactly, as of that collection: the verdict is
 * taken on it, at the samples whose interval saw a full collection.
 *
 * <p><b>Verdict.</b> The run starts with a warm-up: a sixth of it (5 minutes of 30: the JIT), or
 * longer, until every rule set's working memory has filled, that is until each sample has played
 * the event time its rule set keeps most of its events ({@link SampleStream#fillSeconds()}: 6
 * minutes at 10,000 events/s, 11 at 5,000, for monitoring's 2 days of readings). The first window
 * is the sixth of the run after the warm-up, the last window the run's last sixth. The heap is
 * <em>flat</em> when both hold:
 * <ul>
 *   <li>the median live heap of the last window is at most {@value #ALLOWED_GROWTH_MB} MB, or
 *       {@value #ALLOWED_GROWTH_SHARE} of it if that is more, above the median of the first;
 *   <li>the least-squares slope of the live heap after warm-up (when it saw at least three full
 *       collections) is under {@value #ALLOWED_SLOPE_MB_PER_10_MIN} MB per 10 minutes.
 * </ul>
 * Otherwise it is <em>growing</em>; and <em>not judged</em> when a window saw no full collection
 * (full collections came every 30 to 75 s at 5,000 to 10,000 events/s on 2 cores) or the run is too
 * short for both windows after its warm-up. A 30-minute soak cannot see a leak much slower than
 * that: the live heap moves by tens of MB from one full collection to the next with what the
 * queues and the windows hold at that moment.
 */
final class SoakReport {
    static final double ALLOWED_GROWTH_MB = 20;
    static final double ALLOWED_GROWTH_SHARE = 0.10;
    static final double ALLOWED_SLOPE_MB_PER_10_MIN = 20;

    /**
     * How the run ended.
     *
     * @param healthBefore rule sets' states before sending
     * @param healthAfter  and after
     * @param drainSeconds how long the rule sets took to process what they had accepted, after sending
     * @param last         the reading once drained
     * @param refusals     the first answers other than 202 (status and body) or errors
     * @param warnings     the server log's WARN and ERROR lines
     */
    record Outcome(String healthBefore, String healthAfter, long drainSeconds, ServerReading last,
                   List<String> refusals, List<String> warnings) {
    }

    /**
     * The live-heap comparison.
     *
     * @param firstMb         the median live heap after the full collections of the first window, NaN without one
     * @param lastMb          and of the last window
     * @param slopeMbPer10Min the slope after warm-up, NaN with fewer than three full collections
     * @param after           the live heap after each full collection after warm-up, in MB
     * @param room            whether the run is long enough for both windows after its warm-up
     */
    record Flatness(double firstMb, double lastMb, double slopeMbPer10Min, double[] after, boolean room) {
        String verdict() {
            if (!room) {
                return "NOT JUDGED: the run is too short for its warm-up and two windows";
            }
            if (Double.isNaN(firstMb) || Double.isNaN(lastMb)) {
                return "NOT JUDGED: a window without a full collection";
            }
            boolean flat = lastMb - firstMb <= Math.max(ALLOWED_GROWTH_MB, ALLOWED_GROWTH_SHARE * firstMb)
                    && !(slopeMbPer10Min >= ALLOWED_SLOPE_MB_PER_10_MIN);
            return flat ? "FLAT" : "GROWING";
        }
    }

    private final int minutes;
    private final int rate;
    private final double warmUpSeconds;
    private final List<String> ruleSets;
    private final List<SoakSample> samples;
    private final List<ServerReading> readings;
    private final PostLog posts;
    private final Outcome outcome;

    SoakReport(int minutes, int rate, double warmUpSeconds, List<String> ruleSets, List<SoakSample> samples, List<ServerReading> readings, PostLog posts,
               Outcome outcome) {
        this.minutes = minutes;
        this.rate = rate;
        this.warmUpSeconds = warmUpSeconds;
        this.ruleSets = ruleSets;
        this.samples = samples;
        this.readings = readings;
        this.posts = posts;
        this.outcome = outcome;
    }

    /** The samples of the run from {@code from} to {@code to} s. */
    private List<SoakSample> between(double from, double to) {
        return samples.stream().filter(s -> s.seconds() > from + 1e-6 && s.seconds() <= to + 1e-6).toList();
    }

    Flatness flatness() {
        double window = minutes * 60 / 6.0;
        var points = between(warmUpSeconds, minutes * 60).stream().filter(s -> s.majorGcs() > 0).toList();
        double[] x = points.stream().mapToDouble(SoakSample::seconds).toArray();
        double[] y = points.stream().mapToDouble(SoakSample::liveMb).toArray();
        boolean room = warmUpSeconds + window <= minutes * 60 - window + 1e-6;
        return new Flatness(room ? live(between(warmUpSeconds, warmUpSeconds + window)) : Double.NaN,
                room ? live(between(minutes * 60 - window, minutes * 60)) : Double.NaN,
                points.size() >= 3 ? slope(x, y) * 600 : Double.NaN, y, room);
    }

    /** The median live heap after the full collections of {@code part}; NaN when it saw none. */
    private static double live(List<SoakSample> part) {
        return median(part.stream().filter(s -> s.majorGcs() > 0).toList(), SoakSample::liveMb);
    }

    void print(PrintStream out) {
        var all = posts.between(0, Double.MAX_VALUE);
        var first = readings.get(0);
        var last = outcome.last();
        double seconds = minutes * 60.0;
        out.printf(Locale.ROOT, "%nSoak: %d minutes at %,d events/s (fraud 90%%, monitoring 10%%) on %d cores shared with the load generator%n",
                minutes, rate, Runtime.getRuntime().availableProcessors());
        // A sender that fell behind sends the last events after the end: the rate counts the time it took.
        double sending = Math.max(seconds, all.lastSentSeconds());
        // The first minute ramps up: the target is the full rate for all but half of it.
        double due = rate * (seconds - Math.min(seconds, SoakBenchmark.RAMP_SECONDS) / 2);
        out.printf(Locale.ROOT, "sent:      %,d events in %,d POSTs over %.1f s, %,.0f events/s achieved (%.1f%% of the %,.0f due: "
                        + "the full rate after a ramp over the first %.0f s)%n", all.sent(), all.posts(), sending, all.sent() / sending,
                100 * all.sent() / due, due, SoakBenchmark.RAMP_SECONDS);
        out.printf(Locale.ROOT, "answers:   %,d events accepted (202); %,d refused%s%n", all.accepted(), all.refusedEvents(),
                all.refused().isEmpty() ? "" : " by status " + statuses(all));
        out.printf(Locale.ROOT, "server:    %,d accepted, %,d processed (all of them %d s after the end, or by a minute), %,d late%n",
                last.accepted() - first.accepted(), last.processed() - first.processed(), outcome.drainSeconds(), last.late() - first.late());
        out.printf(Locale.ROOT, "POST:      p50 %.1f ms, p99 %.1f ms, max %.0f ms; latest a POST went out after its schedule: %.0f ms%n",
                all.p50Millis(), all.p99Millis(), all.maxMillis(), all.lagMillis());
        out.printf(Locale.ROOT, "alerts:    %,d raised; raised to stored p99 <= %.0f ms; accepted to processed p99 <= %.0f ms%n",
                last.alerts() - first.alerts(), 1e3 * ServerReading.quantile(first.alertDelay(), last.alertDelay(), 0.99),
                1e3 * ServerReading.quantile(first.ingestion(), last.ingestion(), 0.99));
        double gcMax = readings.stream().mapToDouble(ServerReading::gcPauseMax).max().orElse(0);
        double paused = last.gcPauseSeconds() - first.gcPauseSeconds();
        out.printf(Locale.ROOT, "GC:        %,d young and %,d full collections, paused %.1f s in all (%.1f%% of the time), longest %.0f ms%n",
                last.minorGcs() - first.minorGcs(), last.majorGcs() - first.majorGcs(), paused, 100 * paused / seconds, 1e3 * gcMax);
        out.printf(Locale.ROOT, "queues:    deepest of the readings (one a second): %s%n",
                ruleSets.stream().map(r -> r + " " + String.format(Locale.ROOT, "%,d", samples.stream()
                        .mapToLong(s -> s.queueMax().getOrDefault(r, 0L)).max().orElse(0))).collect(Collectors.joining(", ")));
        var warmedUp = between(0, warmUpSeconds);
        var start = samples.get(0);
        var warm = warmedUp.get(warmedUp.size() - 1);
        var end = samples.get(samples.size() - 1);
        out.printf(Locale.ROOT, "facts:     %s (at %.0f s, at %.0f s: the end of the warm-up or of the run, at the end)%n",
                ruleSets.stream().map(r -> String.format(Locale.ROOT, "%s %,d -> %,d -> %,d", r, start.facts().getOrDefault(r, 0L),
                        warm.facts().getOrDefault(r, 0L), end.facts().getOrDefault(r, 0L))).collect(Collectors.joining(", ")),
                start.seconds(), warm.seconds());
        out.printf(Locale.ROOT, "CPU:       server %.2f cores, load generator %.2f cores (means)%n",
                (last.serverCpuSeconds() - first.serverCpuSeconds()) / (last.seconds() - first.seconds()),
                (last.benchCpuSeconds() - first.benchCpuSeconds()) / (last.seconds() - first.seconds()));
        var flat = flatness();
        out.printf(Locale.ROOT, "heap:      live (after a full collection): %s MB in the first window after warm-up, %s MB in the last (medians);"
                        + " slope %s; after warm-up %s; heap after the last young collection at the end %.0f MB%n", mb(flat.firstMb()),
                mb(flat.lastMb()), Double.isNaN(flat.slopeMbPer10Min()) ? "not measured"
                        : String.format(Locale.ROOT, "%+.1f MB per 10 minutes", flat.slopeMbPer10Min()),
                flat.after().length == 0 ? "no full collection" : String.format(Locale.ROOT, "%d full collections, from %.0f to %.0f MB",
                        flat.after().length, Arrays.stream(flat.after()).min().orElseThrow(), Arrays.stream(flat.after()).max().orElseThrow()),
                end.afterGcMb());
        out.printf(Locale.ROOT, "verdict:   %s (flat: the last window within max(%.0f MB, %.0f%%) of the first, and a slope under %.0f MB per"
                + " 10 minutes)%n", flat.verdict(), ALLOWED_GROWTH_MB, 100 * ALLOWED_GROWTH_SHARE, ALLOWED_SLOPE_MB_PER_10_MIN);
        out.printf("rule sets: before: %s; after: %s%n", outcome.healthBefore(), outcome.healthAfter());
        if (!outcome.refusals().isEmpty()) {
            out.println("first refusals:");
            outcome.refusals().forEach(r -> out.println("  " + (r.length() > 300 ? r.substring(0, 300) + "..." : r)));
        }
        out.printf("server log: %d warnings or errors%n", outcome.warnings().size());
        outcome.warnings().stream().limit(10).forEach(w -> out.println("  " + (w.length() > 300 ? w.substring(0, 300) + "..." : w)));
        out.println();
        table(out);
    }

    /** The run in sixths, as a Markdown table. */
    private void table(PrintStream out) {
        out.println("| minutes | events/s sent | refused | POST p50 / p99 / max (ms) | heap after young GC (MB, median) | live after full GC (MB, median)"
                + " | GC: pauses, total (ms) | queue max (" + String.join(" / ", ruleSets) + ") | facts (" + String.join(" / ", ruleSets)
                + ") | alerts | server CPU (cores) |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        double length = minutes * 60 / 6.0;
        for (int k = 0; k < 6; k++) {
            var part = between(k * length, (k + 1) * length);
            if (part.isEmpty()) {
                continue;
            }
            var w = posts.between(k * length, (k + 1) * length);
            var end = part.get(part.size() - 1);
            out.printf(Locale.ROOT, "| %s-%s%s | %,.0f | %,d | %.1f / %.1f / %.0f | %.0f | %s | %d, %.0f | %s | %s | %,d | %.2f |%n",
                    minutes(k * length), minutes((k + 1) * length), k * length < warmUpSeconds - 1e-6 ? " (warm-up)" : "", w.sent() / length, w.refusedEvents(),
                    w.p50Millis(), w.p99Millis(), w.maxMillis(), median(part, SoakSample::afterGcMb),
                    mb(live(part)),
                    part.stream().mapToLong(s -> s.minorGcs() + s.majorGcs()).sum(), part.stream().mapToDouble(SoakSample::gcPauseMillis).sum(),
                    ruleSets.stream().map(r -> String.format(Locale.ROOT, "%,d", part.stream().mapToLong(s -> s.queueMax().getOrDefault(r, 0L))
                            .max().orElse(0))).collect(Collectors.joining(" / ")),
                    ruleSets.stream().map(r -> String.format(Locale.ROOT, "%,d", end.facts().getOrDefault(r, 0L))).collect(Collectors.joining(" / ")),
                    part.stream().mapToLong(SoakSample::alerts).sum(), part.stream().mapToDouble(SoakSample::serverCores).average().orElse(0));
        }
    }

    private static String mb(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.0f", value);
    }

    private static String minutes(double seconds) {
        return seconds % 60 == 0 ? Long.toString((long) seconds / 60) : String.format(Locale.ROOT, "%.1f", seconds / 60);
    }

    private static String statuses(PostLog.Window w) {
        return w.refused().entrySet().stream().map(e -> (e.getKey() == PostLog.FAILED ? "no answer" : e.getKey()) + ": "
                + String.format(Locale.ROOT, "%,d", e.getValue())).collect(Collectors.joining(", "));
    }

    private static double median(List<SoakSample> part, ToDoubleFunction<SoakSample> value) {
        return part.isEmpty() ? Double.NaN : Workload.median(part.stream().mapToDouble(value).toArray());
    }

    /** The least-squares slope of y over x. */
    private static double slope(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElse(0);
        double my = Arrays.stream(y).average().orElse(0);
        double num = 0;
        double den = 0;
        for (int i = 0; i < x.length; i++) {
            num += (x[i] - mx) * (y[i] - my);
            den += (x[i] - mx) * (x[i] - mx);
        }
        return den == 0 ? 0 : num / den;
    }
}
