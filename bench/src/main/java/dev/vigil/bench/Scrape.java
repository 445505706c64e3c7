package dev.vigil.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoubleBinaryOperator;
import java.util.regex.Pattern;

/**
 * One reading of the server's {@code /metrics}: the series of the Prometheus text format, each a
 * name, its labels and a value.
 */
final class Scrape {
    private static final Pattern SERIES = Pattern.compile("^([a-zA-Z_:][\\w:]*)(?:\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private record Series(String name, Map<String, String> labels, double value) {
    }

    private final List<Series> series;

    private Scrape(List<Series> series) {
        this.series = series;
    }

    static Scrape parse(String text) {
        var out = new ArrayList<Series>();
        for (var line : text.split("\n")) {
            var m = SERIES.matcher(line);
            if (line.startsWith("#") || !m.matches()) {
                continue;
            }
            var labels = new TreeMap<String, String>();
            if (m.group(2) != null) {
                var l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            out.add(new Series(m.group(1), labels, Double.parseDouble(m.group(3))));
        }
        return new Scrape(out);
    }

    /** The sum of the series named {@code name} that carry the labels {@code pairs} (name, value, ...); 0 when there is none. */
    double sum(String name, String... pairs) {
        return fold(name, pairs, Double::sum);
    }

    /** The largest value of the series named {@code name} that carry the labels {@code pairs}; 0 when there is none. */
    double max(String name, String... pairs) {
        return fold(name, pairs, Math::max);
    }

    /**
     * The cumulative buckets of the histogram {@code name} (without {@code _bucket}), summed over
     * its other labels: upper bound to count, {@code +Inf} last.
     */
    TreeMap<Double, Double> buckets(String name) {
        var out = new TreeMap<Double, Double>();
        for (var s : series) {
            var le = s.labels().get("le");
            if (s.name().equals(name + "_bucket") && le != null) {
                out.merge(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), s.value(), Double::sum);
            }
        }
        return out;
    }

    private double fold(String name, String[] pairs, DoubleBinaryOperator op) {
        double out = 0;
        boolean first = true;
        for (var s : series) {
            if (s.name().equals(name) && carries(s.labels(), pairs)) {
                out = first ? s.value() : op.applyAsDouble(out, s.value());
                first = false;
            }
        }
        return out;
    }

    private static boolean carries(Map<String, String> labels, String[] pairs) {
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            if (!pairs[i + 1].equals(labels.get(pairs[i]))) {
                return false;
            }
        }
        return true;
    }
}
