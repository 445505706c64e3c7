package dev.vigil.bench;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every POST of the soak once answered (or failed): when it was sent, how long it took, how many
 * events it carried, its status (or {@link #FAILED}) and how late it went out against its first
 * event's schedule. Thread-safe: HTTP threads add, the report reads once sending is over.
 */
final class PostLog {
    /** The status of a POST that got no answer (connection error, timeout). */
    static final int FAILED = -1;

    private long[] sentNanos = new long[1 << 16];
    private long[] latencyNanos = new long[1 << 16];
    private long[] lagNanos = new long[1 << 16];
    private int[] events = new int[1 << 16];
    private int[] status = new int[1 << 16];
    private int size;

    /** A POST sent {@code sent} ns after the start, answered {@code latency} ns later with {@code code}. */
    synchronized void add(long sent, long latency, int count, int code, long lag) {
        if (size == sentNanos.length) {
            int grown = size * 2;
            sentNanos = Arrays.copyOf(sentNanos, grown);
            latencyNanos = Arrays.copyOf(latencyNanos, grown);
            lagNanos = Arrays.copyOf(lagNanos, grown);
            events = Arrays.copyOf(events, grown);
            status = Arrays.copyOf(status, grown);
        }
        sentNanos[size] = sent;
        latencyNanos[size] = latency;
        lagNanos[size] = lag;
        events[size] = count;
        status[size] = code;
        size++;
    }

    /**
     * What the POSTs sent from {@code fromSeconds} (inclusive) to {@code toSeconds} (exclusive)
     * after the start came to.
     *
     * @param posts      POSTs sent
     * @param sent       events they carried
     * @param accepted   events answered 202
     * @param refused    events answered otherwise, by status ({@link #FAILED}: no answer)
     * @param p50Millis  median POST latency
     * @param p99Millis  99th percentile
     * @param maxMillis  the slowest
     * @param lagMillis  the latest a POST went out after its first event was due
     * @param lastSentSeconds when the last of them was sent
     */
    record Window(int posts, long sent, long accepted, Map<Integer, Long> refused, double p50Millis, double p99Millis,
                  double maxMillis, double lagMillis, double lastSentSeconds) {
        long refusedEvents() {
            return refused.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    synchronized Window between(double fromSeconds, double toSeconds) {
        var latencies = new long[size];
        int posts = 0;
        long sent = 0;
        long accepted = 0;
        long lag = 0;
        long last = 0;
        var refused = new TreeMap<Integer, Long>();
        for (int i = 0; i < size; i++) {
            double at = sentNanos[i] / 1e9;
            if (at < fromSeconds || at >= toSeconds) {
                continue;
            }
            latencies[posts++] = latencyNanos[i];
            sent += events[i];
            lag = Math.max(lag, lagNanos[i]);
            last = Math.max(last, sentNanos[i]);
            if (status[i] == 202) {
                accepted += events[i];
            } else {
                refused.merge(status[i], (long) events[i], Long::sum);
            }
        }
        var sorted = Arrays.copyOf(latencies, posts);
        Arrays.sort(sorted);
        return new Window(posts, sent, accepted, refused, quantile(sorted, 0.50), quantile(sorted, 0.99),
                posts == 0 ? Double.NaN : sorted[posts - 1] / 1e6, lag / 1e6, last / 1e9);
    }

    private static double quantile(long[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }
}
