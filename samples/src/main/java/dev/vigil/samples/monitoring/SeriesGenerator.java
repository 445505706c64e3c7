package dev.vigil.samples.monitoring;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Metrics of several kinds, each the only metric of a host of its own (as a NAB file is), with
 * anomalies of several shapes mixed in and labelled as NAB labels them; the same seed gives the same
 * series.
 *
 * <p>Kinds: demand (counts per 5 or 30 minutes with a daily shape that differs on weekdays and at
 * weekends, noise that grows with the count), CPU (a daily cycle, lower at weekends), temperature
 * (a slow random walk with a small daily cycle) and latency (a flat level with skewed noise). Each
 * has its own level, trend and noise, a reading every 1, 5 or 30 minutes and 1 to 8 weeks of
 * history ending at the same time.
 *
 * <p>Shapes: a spike or a dip (one to three readings), a level shift up or down lasting one to three
 * days, a ramp (the level moving away over 6 to 24 hours, then staying), a flatline (the value stuck
 * for 3 to 12 hours), a seasonal anomaly (a weekday shaped like a Sunday, or a daily cycle twelve
 * hours out of phase for a day) and a noisy change (noise four to six times as large for 3 to 12
 * hours). Each anomaly's window is NAB's: a tenth of the series' length shared by its anomalies,
 * centred on the anomaly's start.
 */
final class SeriesGenerator {
    /** One reading of a series: its host and metric, when, and the value. */
    record Reading(String host, String name, long time, double value) {
    }

    /** The series' readings (in no particular order), its hosts and its labelled windows. */
    record Output(List<Reading> readings, List<String> hosts, List<IncidentScore.Window> windows) {
    }

    private enum Kind {
        DEMAND("demand", "orders"), CPU("cpu", "cpu_utilization"), TEMPERATURE("temperature", "temperature"), LATENCY("latency", "request_latency");

        final String host;
        final String metric;

        Kind(String host, String metric) {
            this.host = host;
            this.metric = metric;
        }
    }

    /** An anomaly of one shape from {@code start} to {@code end}, of {@code size} (signed, in the metric's units). */
    private record Anomaly(String shape, long start, long end, double size) {
        boolean covers(long t) {
            return t >= start && t < end;
        }
    }

    private static final long MINUTE = 60_000;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;
    private static final String[] SHAPES = {"spike", "dip", "level shift up", "level shift down", "ramp", "flatline", "seasonal", "noisy"};

    private final Random random;

    SeriesGenerator(long seed) {
        this.random = new Random(seed * 31 + 17);
    }

    /** {@code count} series whose readings end at {@code end}. */
    Output generate(int count, long end) {
        var readings = new ArrayList<Reading>();
        var hosts = new ArrayList<String>();
        var windows = new ArrayList<IncidentScore.Window>();
        for (int i = 1; i <= count; i++) {
            var kind = Kind.values()[(i - 1) % Kind.values().length];
            var host = String.format(Locale.ROOT, "%s-%02d", kind.host, i);
            hosts.add(host);
            series(kind, host, end, readings, windows);
        }
        return new Output(readings, hosts, windows);
    }

    private void series(Kind kind, String host, long end, List<Reading> readings, List<IncidentScore.Window> windows) {
        long[] intervals = kind == Kind.DEMAND ? new long[] {5 * MINUTE, 30 * MINUTE} : new long[] {MINUTE, 5 * MINUTE, 30 * MINUTE};
        long interval = intervals[random.nextInt(intervals.length)];
        int weeks = 1 + random.nextInt(8);
        long start = end - weeks * 7 * DAY;
        var signal = Signal.of(kind, random, start);
        var anomalies = anomalies(kind, signal, start, end, interval);
        long half = (end - start) / 20 / anomalies.size();
        for (var a : anomalies) {
            windows.add(new IncidentScore.Window(host, Instant.ofEpochMilli(a.start() - half), Instant.ofEpochMilli(Math.min(end, a.start() + half)),
                    a.shape()));
        }
        double stuck = Double.NaN;
        for (long t = start; t < end; t += interval) {
            double value = value(signal, anomalies, t, interval);
            if (stuckAt(anomalies, t)) {
                stuck = Double.isNaN(stuck) ? value : stuck;
                value = stuck;
            } else {
                stuck = Double.NaN;
            }
            readings.add(new Reading(host, kind.metric, t, signal.round(value)));
        }
    }

    private static boolean stuckAt(List<Anomaly> anomalies, long t) {
        return anomalies.stream().anyMatch(a -> a.shape().equals("flatline") && a.covers(t));
    }

    private double value(Signal signal, List<Anomaly> anomalies, long t, long interval) {
        boolean sunday = false;
        double phase = 0;
        double noise = 1;
        double offset = 0;
        for (var a : anomalies) {
            if (!a.covers(t)) {
                continue;
            }
            switch (a.shape()) {
                case "seasonal" -> {
                    sunday = signal.kind == Kind.DEMAND;
                    phase = signal.kind == Kind.DEMAND ? 0 : 12;
                }
                case "noisy" -> noise = a.size();
                case "ramp" -> offset += a.size() * Math.min(1, (t - a.start()) / (double) rampLength(a));
                default -> offset += a.size();
            }
        }
        double value = signal.next(t, interval, sunday, phase, noise);
        // Demand changes by a share of itself: a busy hour gains more orders than a quiet one.
        return signal.kind == Kind.DEMAND ? value * (1 + offset) : value + offset;
    }

    /** A ramp reaches its full size over the first third of its span. */
    private static long rampLength(Anomaly a) {
        return (a.end() - a.start()) / 3;
    }

    /** One to three anomalies, at least three days (and a third of the history) in, two days apart, their windows inside the series. */
    private List<Anomaly> anomalies(Kind kind, Signal signal, long start, long end, long interval) {
        long length = end - start;
        int n = length >= 21 * DAY ? 1 + random.nextInt(3) : 1;
        var out = new ArrayList<Anomaly>();
        long half = length / 20 / n;
        long earliest = start + Math.max(3 * DAY, length / 3);
        long slot = (end - half - earliest) / n;
        for (int i = 0; i < n; i++) {
            long at = earliest + i * slot + (long) (random.nextDouble() * Math.max(1, slot - 2 * DAY));
            out.add(anomaly(kind, signal, at - Math.floorMod(at, interval), interval));
        }
        return out;
    }

    private Anomaly anomaly(Kind kind, Signal signal, long at, long interval) {
        var shape = SHAPES[random.nextInt(SHAPES.length)];
        if (shape.equals("seasonal") && kind == Kind.LATENCY) {
            shape = "noisy";
        }
        double sign = shape.endsWith("down") || shape.equals("dip") ? -1 : 1;
        boolean demand = kind == Kind.DEMAND;
        double shift = demand ? 0.25 + 0.15 * random.nextDouble()
                : (0.3 + 0.2 * random.nextDouble()) * signal.amplitude + (4 + 2 * random.nextDouble()) * signal.noise;
        double spike = demand ? (sign > 0 ? 0.8 + 0.8 * random.nextDouble() : 0.6 + 0.3 * random.nextDouble())
                : (0.6 + 0.6 * random.nextDouble()) * (signal.amplitude + 6 * signal.noise);
        return switch (shape) {
            case "spike", "dip" -> new Anomaly(shape, at, at + (1 + random.nextInt(3)) * interval, sign * Math.min(signal.headroom(sign), spike));
            case "level shift up", "level shift down" -> new Anomaly(shape, at, at + (1 + random.nextInt(3)) * DAY,
                    sign * Math.min(0.8 * signal.headroom(sign), shift));
            case "ramp" -> {
                double direction = random.nextBoolean() ? 1 : -1;
                yield new Anomaly(shape, at, at + (18 + random.nextInt(55)) * HOUR, direction * Math.min(0.8 * signal.headroom(direction), shift));
            }
            case "flatline", "noisy" -> new Anomaly(shape, at, at + (3 + random.nextInt(10)) * HOUR, 4 + 2 * random.nextDouble());
            default -> seasonal(kind, at);
        };
    }

    /** Demand: a weekday (Tuesday to Friday) shaped like a Sunday; the others: a day whose cycle is twelve hours out. */
    private Anomaly seasonal(Kind kind, long at) {
        long day = at - Math.floorMod(at, DAY);
        if (kind == Kind.DEMAND) {
            while (!isMidweek(day)) {
                day += DAY;
            }
        }
        return new Anomaly("seasonal", day, day + DAY, 0);
    }

    private static boolean isMidweek(long day) {
        int dow = Instant.ofEpochMilli(day).atZone(ZoneOffset.UTC).getDayOfWeek().getValue();
        return dow >= 2 && dow <= 5;
    }

    /** A metric's normal behaviour: its level, cycles, trend and noise. */
    private static final class Signal {
        final Kind kind;
        final Random random;
        final double level;
        final double amplitude;
        final double noise;
        final double trendPerWeek;
        final double weekendFactor;
        final double phaseHours;
        long origin;
        double walk;

        private Signal(Kind kind, Random random, double level, double amplitude, double noise, double trendPerWeek, double weekendFactor) {
            this.kind = kind;
            this.random = random;
            this.level = level;
            this.amplitude = amplitude;
            this.noise = noise;
            this.trendPerWeek = trendPerWeek;
            this.weekendFactor = weekendFactor;
            this.phaseHours = random.nextDouble() * 24;
        }

        static Signal of(Kind kind, Random r, long origin) {
            var signal = of(kind, r);
            signal.origin = origin;
            return signal;
        }

        private static Signal of(Kind kind, Random r) {
            return switch (kind) {
                // Per 30 minutes at the daily peak; the noise is that of a count (its square root), scaled below.
                case DEMAND -> {
                    double peak = 200 + r.nextDouble() * 2000;
                    yield new Signal(kind, r, peak, peak, Math.sqrt(peak), -0.02 + 0.06 * r.nextDouble(), 0.5 + 0.2 * r.nextDouble());
                }
                case CPU -> new Signal(kind, r, 20 + 30 * r.nextDouble(), 5 + 20 * r.nextDouble(), 1 + 5 * r.nextDouble(),
                        -1 + 3 * r.nextDouble(), 0.6 + 0.3 * r.nextDouble());
                case TEMPERATURE -> new Signal(kind, r, 60 + 30 * r.nextDouble(), 1 + 3 * r.nextDouble(), 0.3 + 0.7 * r.nextDouble(),
                        -0.5 + r.nextDouble(), 1);
                case LATENCY -> new Signal(kind, r, 30 + 200 * r.nextDouble(), 0, 0, 0, 1).withNoise(r);
            };
        }

        private Signal withNoise(Random r) {
            return new Signal(kind, r, level, 0, level * (0.03 + 0.1 * r.nextDouble()), (-0.02 + 0.06 * r.nextDouble()) * level, 1);
        }

        /** How far the metric can move in direction {@code sign} from its usual level (CPU between 0 and 100; demand by a share of itself). */
        double headroom(double sign) {
            if (kind == Kind.DEMAND) {
                return sign < 0 ? 0.9 : Double.MAX_VALUE;
            }
            if (kind == Kind.CPU) {
                return sign < 0 ? Math.max(0, weekendFactor * (level - amplitude) - 2 * noise) : Math.max(0, 100 - level - amplitude - 3 * noise);
            }
            return Double.MAX_VALUE;
        }

        double next(long t, long interval, boolean sunday, double phaseShift, double noiseFactor) {
            var when = Instant.ofEpochMilli(t).atZone(ZoneOffset.UTC);
            double hour = when.getHour() + when.getMinute() / 60.0 - phaseShift;
            boolean weekend = sunday || when.getDayOfWeek().getValue() >= 6;
            double weeks = (t - origin) / (double) (7 * DAY);
            double g = random.nextGaussian() * noiseFactor;
            return switch (kind) {
                case DEMAND -> {
                    double perInterval = interval / (double) (30 * MINUTE);
                    double mean = level * perInterval * demandShape(hour, weekend) * (1 + trendPerWeek * weeks);
                    yield Math.max(0, mean + g * Math.sqrt(mean) * 1.5);
                }
                case CPU -> {
                    double daily = level + amplitude * Math.sin(2 * Math.PI * (hour - phaseHours) / 24);
                    yield Math.max(0, Math.min(100, (weekend ? weekendFactor : 1) * daily + trendPerWeek * weeks + g * noise));
                }
                case TEMPERATURE -> {
                    walk = 0.995 * walk + 0.05 * random.nextGaussian();
                    yield level + walk + amplitude * Math.sin(2 * Math.PI * (hour - phaseHours) / 24) + g * noise;
                }
                case LATENCY -> level + trendPerWeek * weeks + noise * g + noise * Math.abs(random.nextGaussian()) * 0.5;
            };
        }

        /** Demand through the day, 1 at its peak: weekdays with morning and evening rushes, weekends late and flat. */
        private static double demandShape(double hour, boolean weekend) {
            double h = ((hour % 24) + 24) % 24;
            if (weekend) {
                return 0.15 + 0.55 * bump(h, 14, 5) + 0.2 * bump(h, 21, 2.5);
            }
            return 0.1 + 0.9 * bump(h, 8.5, 1.8) + 0.55 * bump(h, 13, 3) + 0.85 * bump(h, 18.5, 2);
        }

        private static double bump(double hour, double centre, double width) {
            double d = Math.abs(hour - centre);
            return Math.exp(-d * d / (2 * width * width));
        }

        double round(double value) {
            return kind == Kind.DEMAND ? Math.round(value) : Math.round(value * 100) / 100.0;
        }
    }

}
