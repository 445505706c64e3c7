package dev.vigil.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One interval of the soak (10 s): what was sent and how it was answered, and the server's
 * state at the interval's end, or at its worst within it where a reading a second shows more.
 *
 * @param seconds         the interval's end, after the start of sending (nominal: the readings that close it may come a little later)
 * @param sentPerSecond   events sent per second
 * @param acceptedPerSecond events the server counted as accepted per second
 * @param processedPerSecond events the rule sets' sessions took per second
 * @param refused         events answered other than 202, or not answered
 * @param posts           POST latency, client side, and how late the POSTs went out
 * @param heapMb          heap in use at the end
 * @param heapMinMb       the least heap in use of the interval's readings
 * @param afterGcMb       old generation and survivors in use at the end: the heap right after the last young collection
 * @param liveMb          the old generation after the last major collection
 * @param minorGcs        young collections in the interval
 * @param majorGcs        full collections in the interval
 * @param gcPauseMillis   time paused for garbage collection in the interval
 * @param gcMaxMillis     the longest pause of the last two minutes or so, at the end
 * @param queueMax        each rule set's deepest queue of the interval's readings
 * @param facts           each rule set's facts at the end
 * @param late            events behind a watermark in the interval
 * @param alerts          alerts raised in the interval
 * @param alertDelayP99Millis 99th percentile of the delay from a rule raising an alert to its storing (bucket bound)
 * @param ingestionP99Millis  99th percentile of the time from acceptance to processed (bucket bound)
 * @param serverCores     CPU the server used, in cores
 * @param benchCores      CPU the load generator used, in cores
 */
record SoakSample(double seconds, double sentPerSecond, double acceptedPerSecond, double processedPerSecond, long refused,
                  PostLog.Window posts, double heapMb, double heapMinMb, double afterGcMb, double liveMb, long minorGcs,
                  long majorGcs, double gcPauseMillis, double gcMaxMillis, Map<String, Long> queueMax, Map<String, Long> facts,
                  long late, long alerts, double alertDelayP99Millis, double ingestionP99Millis, double serverCores,
                  double benchCores) {
    private static final double MB = 1024 * 1024;

    /** The interval ending at {@code nominalEnd} s, from {@code before} to the last of {@code readings}, which follow it. */
    static SoakSample of(double nominalEnd, ServerReading before, List<ServerReading> readings, PostLog.Window posts) {
        var end = readings.get(readings.size() - 1);
        double seconds = end.seconds() - before.seconds();
        var queueMax = new TreeMap<String, Long>();
        for (var r : readings) {
            r.queued().forEach((ruleSet, depth) -> queueMax.merge(ruleSet, depth, Math::max));
        }
        return new SoakSample(nominalEnd, posts.sent() / seconds, (end.accepted() - before.accepted()) / seconds,
                (end.processed() - before.processed()) / seconds, posts.refusedEvents(), posts, end.heapUsed() / MB,
                readings.stream().mapToLong(ServerReading::heapUsed).min().orElseThrow() / MB, (end.oldGen() + end.survivors()) / MB,
                end.liveData() / MB, end.minorGcs() - before.minorGcs(), end.majorGcs() - before.majorGcs(),
                1e3 * (end.gcPauseSeconds() - before.gcPauseSeconds()), 1e3 * end.gcPauseMax(), queueMax, end.facts(),
                end.late() - before.late(), end.alerts() - before.alerts(),
                1e3 * ServerReading.quantile(before.alertDelay(), end.alertDelay(), 0.99),
                1e3 * ServerReading.quantile(before.ingestion(), end.ingestion(), 0.99),
                (end.serverCpuSeconds() - before.serverCpuSeconds()) / seconds, (end.benchCpuSeconds() - before.benchCpuSeconds()) / seconds);
    }

    /** The CSV header for samples of these rule sets. */
    static String csvHeader(List<String> ruleSets) {
        var columns = new ArrayList<>(List.of("seconds", "sent_per_s", "accepted_per_s", "processed_per_s", "refused", "post_p50_ms",
                "post_p99_ms", "post_max_ms", "send_lag_max_ms", "heap_mb", "heap_min_mb", "heap_after_gc_mb", "live_after_major_gc_mb",
                "minor_gcs", "major_gcs", "gc_pause_ms", "gc_pause_max_ms"));
        ruleSets.forEach(r -> columns.add("queue_max_" + r));
        ruleSets.forEach(r -> columns.add("facts_" + r));
        columns.addAll(List.of("late", "alerts", "alert_delay_p99_ms", "ingestion_p99_ms", "server_cores", "bench_cores"));
        return String.join(",", columns);
    }

    String csvLine(List<String> ruleSets) {
        var values = new ArrayList<String>();
        for (double v : new double[] {seconds, sentPerSecond, acceptedPerSecond, processedPerSecond, refused, posts.p50Millis(),
                posts.p99Millis(), posts.maxMillis(), posts.lagMillis(), heapMb, heapMinMb, afterGcMb, liveMb, minorGcs, majorGcs,
                gcPauseMillis, gcMaxMillis}) {
            values.add(number(v));
        }
        ruleSets.forEach(r -> values.add(Long.toString(queueMax.getOrDefault(r, 0L))));
        ruleSets.forEach(r -> values.add(Long.toString(facts.getOrDefault(r, 0L))));
        for (double v : new double[] {late, alerts, alertDelayP99Millis, ingestionP99Millis, serverCores, benchCores}) {
            values.add(number(v));
        }
        return String.join(",", values);
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "" : v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
