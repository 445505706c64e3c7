package dev.vigil.kafka;

/**
 * The offsets of a partition's records still in its stream's windows, with their event times, in
 * offset order: two primitive rings, so a window of millions of events costs 16 bytes each. Only
 * the poll thread touches it.
 */
final class OffsetTimes {
    private long[] offsets = new long[64];
    private long[] times = new long[64];
    private int head;
    private int size;

    void add(long offset, long time) {
        if (size == offsets.length) {
            grow();
        }
        int at = (head + size) % offsets.length;
        offsets[at] = offset;
        times[at] = time;
        size++;
    }

    /**
     * Drops the records at the front older than {@code horizon} and returns the first offset left,
     * or {@code otherwise} when none is: where a rebuild of the windows starts. A record behind a
     * newer one stays until those before it go: the rebuild then reads a little more, never less.
     */
    long firstSince(long horizon, long otherwise) {
        while (size > 0 && times[head] < horizon) {
            head = (head + 1) % offsets.length;
            size--;
        }
        return size == 0 ? otherwise : offsets[head];
    }

    /**
     * The lowest offset among the newest records whose time is after {@code watermark}, counting
     * back from the newest until {@code held} are found: the events waiting in the reorder buffer
     * (they arrived ahead of the watermark and it has not reached them). {@code otherwise} when none.
     */
    long firstHeld(long watermark, int held, long otherwise) {
        long first = otherwise;
        int found = 0;
        for (int i = size - 1; i >= 0 && found < held; i--) {
            int at = (head + i) % offsets.length;
            if (times[at] > watermark) {
                first = Math.min(first, offsets[at]);
                found++;
            }
        }
        return first;
    }

    int size() {
        return size;
    }

    private void grow() {
        var o = new long[offsets.length * 2];
        var t = new long[times.length * 2];
        for (int i = 0; i < size; i++) {
            o[i] = offsets[(head + i) % offsets.length];
            t[i] = times[(head + i) % times.length];
        }
        offsets = o;
        times = t;
        head = 0;
    }

}
