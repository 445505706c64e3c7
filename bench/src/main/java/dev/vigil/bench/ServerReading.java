package dev.vigil.bench;

import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * What the soak reads from the server once a second: its {@code /metrics} (heap pools, garbage
 * collections, rule sets' queues, facts and counters, the histograms of alert delay and of
 * acceptance to processing) and the CPU time of both processes.
 *
 * @param seconds          when, after the start of sending
 * @param heapUsed         bytes in use in every heap pool
 * @param oldGen           bytes in use in the old generation (ParallelGC's "PS Old Gen", G1's "G1 Old Gen")
 * @param survivors        bytes in use in the survivor spaces
 * @param liveData         the old generation's bytes in use after the last major collection ({@code jvm_gc_live_data_size})
 * @param minorGcs         young collections since the server started
 * @param majorGcs         full collections since the server started
 * @param gcPauseSeconds   time paused for garbage collection since the server started
 * @param gcPauseMax       the longest pause of the last two minutes or so (Micrometer's rolling maximum)
 * @param queued           events waiting in each rule set's queue
 * @param facts            facts in each rule set's working memory
 * @param accepted         events accepted since the server started, every rule set
 * @param processed        events the rule sets' sessions took, every rule set
 * @param late             events that arrived behind a watermark, every rule set
 * @param alerts           alerts raised, every rule set
 * @param alertDelay       cumulative buckets of {@code vigil_alerts_delay} (rule raising an alert to its storing), by upper bound in s
 * @param ingestion        cumulative buckets of {@code vigil_ingestion_latency} (acceptance to processed), every rule set
 * @param serverCpuSeconds CPU time of the server's JVM
 * @param benchCpuSeconds  CPU time of this JVM, the load generator
 */
record ServerReading(double seconds, long heapUsed, long oldGen, long survivors, long liveData, long minorGcs, long majorGcs,
                     double gcPauseSeconds, double gcPauseMax, Map<String, Long> queued, Map<String, Long> facts, long accepted,
                     long processed, long late, long alerts, NavigableMap<Double, Double> alertDelay,
                     NavigableMap<Double, Double> ingestion, double serverCpuSeconds, double benchCpuSeconds) {

    static ServerReading of(double seconds, Scrape s, List<String> ruleSets, double serverCpuSeconds, double benchCpuSeconds) {
        var queued = new TreeMap<String, Long>();
        var facts = new TreeMap<String, Long>();
        for (var ruleSet : ruleSets) {
            queued.put(ruleSet, (long) s.sum("vigil_queue_depth", "ruleset", ruleSet));
            facts.put(ruleSet, (long) s.sum("vigil_facts", "ruleset", ruleSet));
        }
        return new ServerReading(seconds, (long) s.sum("jvm_memory_used_bytes", "area", "heap"), (long) (pool(s, "PS Old Gen") + pool(s, "G1 Old Gen")),
                (long) (pool(s, "PS Survivor Space") + pool(s, "G1 Survivor Space")), (long) s.sum("jvm_gc_live_data_size_bytes"),
                (long) s.sum("jvm_gc_pause_seconds_count", "action", "end of minor GC"),
                (long) s.sum("jvm_gc_pause_seconds_count", "action", "end of major GC"), s.sum("jvm_gc_pause_seconds_sum"),
                s.max("jvm_gc_pause_seconds_max"), queued, facts, (long) s.sum("vigil_events_accepted_total"),
                (long) s.sum("vigil_events_processed_total"), (long) s.sum("vigil_events_late_total"), (long) s.sum("vigil_alerts_total"),
                s.buckets("vigil_alerts_delay_seconds"), s.buckets("vigil_ingestion_latency_seconds"), serverCpuSeconds, benchCpuSeconds);
    }

    private static double pool(Scrape s, String id) {
        return s.sum("jvm_memory_used_bytes", "area", "heap", "id", id);
    }

    /**
     * The upper bound (in s) of the bucket that holds the {@code p} quantile of what a histogram
     * counted between two readings of its cumulative buckets; NaN when it counted nothing.
     */
    static double quantile(NavigableMap<Double, Double> before, NavigableMap<Double, Double> after, double p) {
        double total = after.isEmpty() ? 0 : after.lastEntry().getValue() - before.getOrDefault(after.lastKey(), 0.0);
        if (total <= 0) {
            return Double.NaN;
        }
        for (var bucket : after.entrySet()) {
            if (bucket.getValue() - before.getOrDefault(bucket.getKey(), 0.0) >= p * total) {
                return bucket.getKey();
            }
        }
        return after.lastKey();
    }
}
