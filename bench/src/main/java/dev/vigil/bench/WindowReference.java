package dev.vigil.bench;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Set;
import java.util.TreeSet;

/**
 * The payments the long-window rule should alert on, worked out here without an engine: those
 * above the highest of at least 5 earlier payments of their card in the window, for the window
 * two ways. Sliding: the payments of the last W, {@code (t - W, t]}, as Drools'
 * {@code window:time} and Esper's {@code #time} keep them. In buckets: the payments in the bucket
 * of {@code t} and the buckets before it, W in all, as a profile keeps them, so from W minus up
 * to one bucket back.
 */
final class WindowReference {
    private WindowReference() {
    }

    /** The ids of the payments the rule alerts on with a sliding window of {@code window}. */
    static Set<String> sliding(long seed, LongWindow window) {
        return alerted(seed, window, false);
    }

    /** The ids of the payments the rule alerts on with {@code window}'s profile buckets. */
    static Set<String> buckets(long seed, LongWindow window) {
        return alerted(seed, window, true);
    }

    private static Set<String> alerted(long seed, LongWindow window, boolean buckets) {
        var history = new HashMap<String, ArrayDeque<Payments.Payment>>();
        var alerted = new TreeSet<String>();
        var payments = new Payments(seed, Payments.DAYS);
        long slots = window.millis() / window.bucketMillis();
        while (payments.hasNext()) {
            var p = payments.next();
            var earlier = history.computeIfAbsent(p.cardId(), k -> new ArrayDeque<>());
            while (!earlier.isEmpty() && (buckets
                    ? Math.floorDiv(earlier.peekFirst().time(), window.bucketMillis()) <= Math.floorDiv(p.time(), window.bucketMillis()) - slots
                    : earlier.peekFirst().time() <= p.time() - window.millis())) {
                earlier.pollFirst();
            }
            double highest = Double.NEGATIVE_INFINITY;
            for (var e : earlier) {
                highest = Math.max(highest, e.amount());
            }
            if (earlier.size() >= LongWindow.AT_LEAST && p.amount() > highest) {
                alerted.add(p.id());
            }
            earlier.addLast(p);
        }
        return alerted;
    }
}
