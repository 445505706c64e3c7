package dev.vigil.engine.profile;

import java.util.Arrays;
import org.apache.datasketches.kll.KllDoublesSketch;

/**
 * The summary of one time bucket of a profile: count, sum, sum of squares, lowest and highest of
 * its values, the values themselves while they are few and a KLL sketch of them past that, and the
 * distinct labels noted in it. Reused for a later bucket once its time has passed out of the span.
 */
final class Bucket {
    /** Values kept exactly per bucket; past this many, a sketch holds them. */
    static final int EXACT = 64;
    /** Sketch accuracy: with 200, a quantile's rank is off by about 1.3% at most (99% confidence). */
    static final int SKETCH_K = 200;
    /** Distinct labels kept per bucket; past that, new ones are only counted. */
    static final int MAX_LABELS = 64;

    long number = Long.MIN_VALUE;
    long count;
    double sum;
    double squares;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    double[] values;
    int size;
    KllDoublesSketch sketch;
    String[] labels;
    int labelCount;
    /** Labels noted after {@link #MAX_LABELS} were kept, that may or may not have been new. */
    long labelsOverflowed;

    /** Empties the bucket for bucket {@code number}, keeping its arrays. */
    void reset(long number) {
        this.number = number;
        count = 0;
        sum = 0;
        squares = 0;
        min = Double.POSITIVE_INFINITY;
        max = Double.NEGATIVE_INFINITY;
        size = 0;
        sketch = null;
        if (labels != null) {
            Arrays.fill(labels, 0, labelCount, null);
        }
        labelCount = 0;
        labelsOverflowed = 0;
    }

    void add(double value) {
        count++;
        sum += value;
        squares += value * value;
        min = Math.min(min, value);
        max = Math.max(max, value);
        if (sketch != null) {
            sketch.update(value);
            return;
        }
        if (size < EXACT) {
            if (values == null || values.length == size) {
                values = values == null ? new double[4] : Arrays.copyOf(values, Math.min(EXACT, size * 2));
            }
            values[size++] = value;
            return;
        }
        sketch = KllDoublesSketch.newHeapInstance(SKETCH_K);
        for (int i = 0; i < size; i++) {
            sketch.update(values[i]);
        }
        sketch.update(value);
        size = 0;
    }

    void note(String label) {
        for (int i = 0; i < labelCount; i++) {
            if (labels[i].equals(label)) {
                return;
            }
        }
        if (labelCount == MAX_LABELS) {
            labelsOverflowed++;
            return;
        }
        if (labels == null || labels.length == labelCount) {
            labels = labels == null ? new String[2] : Arrays.copyOf(labels, Math.min(MAX_LABELS, labelCount * 2));
        }
        labels[labelCount++] = label;
    }

    boolean has(String label) {
        for (int i = 0; i < labelCount; i++) {
            if (labels[i].equals(label)) {
                return true;
            }
        }
        return false;
    }

    boolean isEmpty() {
        return count == 0 && labelCount == 0 && labelsOverflowed == 0;
    }
}
