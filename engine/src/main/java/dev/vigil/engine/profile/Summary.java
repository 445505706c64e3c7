package dev.vigil.engine.profile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * What some buckets of a {@link Profile} hold together: how many values, their sum, mean,
 * standard deviation, lowest, highest and quantiles, and the distinct labels noted.
 *
 * <p>Count, sum and the like are taken when the summary is made; quantiles and labels are worked
 * out when first asked, from the buckets as they are then, leaving out any bucket that the profile
 * has since reused for later time. Read a summary while the rule that asked for it fires.
 */
public final class Summary {
    /** Up to this many values, quantiles are exact; past it, they come from merged sketches. */
    private static final int EXACT_QUANTILES = 4_096;

    private final List<Bucket> buckets = new ArrayList<>();
    /** The time each bucket held when included: one reused since for later time is left out. */
    private long[] numbers = new long[8];
    private long count;
    private double sum;
    private double squares;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private long since = Long.MAX_VALUE;
    private double[] sorted;
    private KllDoublesSketch merged;
    private final long bucket;
    private Set<String> labels;

    Summary(long bucket) {
        this.bucket = bucket;
    }

    void include(Bucket b) {
        if (b == null || b.isEmpty()) {
            return;
        }
        buckets.add(b);
        if (numbers.length == buckets.size() - 1) {
            numbers = Arrays.copyOf(numbers, numbers.length * 2);
        }
        numbers[buckets.size() - 1] = b.number;
        count += b.count;
        sum += b.sum;
        squares += b.squares;
        min = Math.min(min, b.min);
        max = Math.max(max, b.max);
        since = Math.min(since, b.number);
    }

    /** How many values. */
    public long count() {
        return count;
    }

    public double sum() {
        return sum;
    }

    /** The mean of the values; NaN when there are none. */
    public double mean() {
        return count == 0 ? Double.NaN : sum / count;
    }

    /** The sample standard deviation of the values; 0 with fewer than two. */
    public double stddev() {
        if (count < 2) {
            return 0;
        }
        double mean = sum / count;
        return Math.sqrt(Math.max(0, (squares - count * mean * mean) / (count - 1)));
    }

    /** How many standard deviations {@code value} is from the mean; 0 when they do not vary. */
    public double zscore(double value) {
        double sd = stddev();
        return sd > 0 ? (value - mean()) / sd : 0;
    }

    /** The lowest value; NaN when there are none. */
    public double min() {
        return count == 0 ? Double.NaN : min;
    }

    /** The highest value; NaN when there are none. */
    public double max() {
        return count == 0 ? Double.NaN : max;
    }

    /**
     * The {@code q} quantile of the values (0.5 the median, 0.99 the 99th percentile), interpolated
     * between the nearest ones; NaN when there are none. Exact up to 4,096 values and while each
     * bucket holds 64 or fewer; from a KLL sketch past that, its rank off by about 1.3% at most.
     */
    public double quantile(double q) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("a quantile is between 0 and 1, not " + q);
        }
        if (count == 0) {
            return Double.NaN;
        }
        if (sorted == null && merged == null) {
            gather();
        }
        if (merged != null) {
            return merged.isEmpty() ? Double.NaN : merged.getQuantile(q, QuantileSearchCriteria.INCLUSIVE);
        }
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double rank = q * (sorted.length - 1);
        int low = (int) Math.floor(rank);
        int high = Math.min(sorted.length - 1, low + 1);
        return sorted[low] + (rank - low) * (sorted[high] - sorted[low]);
    }

    /** How many distinct labels were noted (a lower bound past 64 in one bucket). */
    public int distinct() {
        gatherLabels();
        return labels.size();
    }

    /** The distinct labels noted, sorted (past 64 in one bucket, those kept). */
    public List<String> labels() {
        gatherLabels();
        var sorted = new ArrayList<>(labels);
        sorted.sort(null);
        return sorted;
    }

    /** Whether {@code label} was noted. */
    public boolean has(String label) {
        gatherLabels();
        return labels.contains(label);
    }

    /** The start (epoch milliseconds) of the oldest bucket holding anything; {@link Long#MAX_VALUE} when empty. */
    public long since() {
        return buckets.isEmpty() ? Long.MAX_VALUE : since * bucket;
    }

    public boolean isEmpty() {
        return buckets.isEmpty();
    }

    /** The included buckets that still hold the time they held when included. */
    private List<Bucket> held() {
        var out = new ArrayList<Bucket>(buckets.size());
        for (int i = 0; i < buckets.size(); i++) {
            if (buckets.get(i).number == numbers[i]) {
                out.add(buckets.get(i));
            }
        }
        return out;
    }

    private void gather() {
        var held = held();
        boolean exact = true;
        int n = 0;
        for (var b : held) {
            exact &= b.sketch == null;
            n += b.size;
        }
        if (exact && n <= EXACT_QUANTILES) {
            var values = new double[n];
            int at = 0;
            for (var b : held) {
                System.arraycopy(b.values, 0, values, at, b.size);
                at += b.size;
            }
            Arrays.sort(values);
            sorted = values;
            return;
        }
        merged = KllDoublesSketch.newHeapInstance(Bucket.SKETCH_K);
        for (var b : held) {
            if (b.sketch != null) {
                merged.merge(b.sketch);
            }
            for (int v = 0; v < b.size; v++) {
                merged.update(b.values[v]);
            }
        }
    }

    private void gatherLabels() {
        if (labels != null) {
            return;
        }
        labels = new HashSet<>();
        for (var b : held()) {
            if (b.labelCount > 0) {
                labels.addAll(Arrays.asList(b.labels).subList(0, b.labelCount));
            }
        }
    }

    @Override
    public String toString() {
        return "Summary[count=" + count + ", mean=" + mean() + ", stddev=" + stddev() + ", min=" + min() + ", max=" + max() + "]";
    }
}
