package dev.vigil.bench;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The soak's chart as SVG text: three panels over the run's minutes, one sample every 10 s, each
 * with its own vertical axis: the heap (after the last young collection, and after the last full
 * one), the rule sets' deepest queues, and the POSTs' latency (p50 and p99). The warm-up is shaded.
 */
final class SoakChart {
    private static final int WIDTH = 760;
    private static final int PANEL = 150;
    private static final int GAP = 44;
    private static final int LEFT = 64;
    private static final int RIGHT = 150;
    private static final int TOP = 44;

    private record Series(String label, String colour, ToDoubleFunction<SoakSample> value) {
    }

    private SoakChart() {
    }

    static String svg(int minutes, int rate, double warmUpSeconds, List<SoakSample> samples) {
        int height = TOP + 3 * PANEL + 3 * GAP;
        var out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                + " font-family=\"sans-serif\" font-size=\"11\">%n", WIDTH, height, WIDTH, height));
        out.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
        out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"14\">vigil serve, rules/fraud and rules/monitoring:"
                + " %d minutes at %,d events/s (%s)</text>%n", LEFT, minutes, rate, LocalDate.now(ZoneOffset.UTC)));
        panel(out, 0, minutes, warmUpSeconds, samples, "heap (MB)", List.of(
                new Series("after last young GC", "#1f77b4", SoakSample::afterGcMb),
                new Series("after last full GC", "#9467bd", SoakSample::liveMb)));
        panel(out, 1, minutes, warmUpSeconds, samples, "queue depth (events, max of 10 s)", List.of(
                new Series("fraud", "#d62728", s -> s.queueMax().getOrDefault("fraud", 0L)),
                new Series("monitoring", "#ff7f0e", s -> s.queueMax().getOrDefault("monitoring", 0L))));
        panel(out, 2, minutes, warmUpSeconds, samples, "POST latency (ms, per 10 s)", List.of(
                new Series("p99", "#2ca02c", s -> s.posts().p99Millis()),
                new Series("p50", "#8c564b", s -> s.posts().p50Millis())));
        return out.append("</svg>\n").toString();
    }

    private static void panel(StringBuilder out, int index, int minutes, double warmUpSeconds, List<SoakSample> samples, String title,
                              List<Series> series) {
        int top = TOP + index * (PANEL + GAP);
        int plotWidth = WIDTH - LEFT - RIGHT;
        double max = 0;
        for (var s : series) {
            max = Math.max(max, samples.stream().mapToDouble(s.value()).filter(v -> !Double.isNaN(v)).max().orElse(0));
        }
        double step = niceStep(max / 4);
        double yMax = Math.max(step, Math.ceil(max / step) * step);
        out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>%n", LEFT, top - 8, title));
        double warmUpWidth = Math.min(1, warmUpSeconds / 60 / minutes) * plotWidth;
        out.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#f0f0f0\"/>%n", LEFT, top,
                warmUpWidth, PANEL));
        out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#888\">warm-up</text>%n", LEFT + 4, top + PANEL - 6));
        for (double y = 0; y <= yMax + 1e-9; y += step) {
            double py = top + PANEL - y / yMax * PANEL;
            out.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n", LEFT, py, LEFT + plotWidth, py));
            out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT - 6, py + 4, label(y)));
        }
        double xStep = niceStep(minutes / 6.0);
        for (double m = 0; m <= minutes + 1e-9; m += xStep) {
            double px = LEFT + m / minutes * plotWidth;
            out.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999\"/>%n", px, top + PANEL, px, top + PANEL + 4));
            out.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", px, top + PANEL + 16, label(m)));
        }
        out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#555\">minutes</text>%n", LEFT + plotWidth,
                top + PANEL + 30));
        out.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n", LEFT, top,
                plotWidth, PANEL));
        for (int i = 0; i < series.size(); i++) {
            var s = series.get(i);
            var points = new StringBuilder();
            for (var sample : samples) {
                double v = s.value().applyAsDouble(sample);
                if (!Double.isNaN(v)) {
                    points.append(String.format(Locale.ROOT, "%.1f,%.1f ", LEFT + sample.seconds() / 60 / minutes * plotWidth,
                            top + PANEL - v / yMax * PANEL));
                }
            }
            out.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>%n", s.colour(),
                    points.toString().strip()));
            int ly = top + 14 + i * 16;
            out.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>%n",
                    LEFT + plotWidth + 10, ly - 4, LEFT + plotWidth + 28, ly - 4, s.colour()));
            out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", LEFT + plotWidth + 32, ly, s.label()));
        }
    }

    /** 1, 2 or 5 times a power of ten, at least {@code rough}. */
    private static double niceStep(double rough) {
        if (rough <= 0) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(rough)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * power >= rough) {
                return m * power;
            }
        }
        return 10 * power;
    }

    private static String label(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%,d", (long) v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
