package dev.vigil.samples.monitoring;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A small fleet's telemetry with incidents mixed in and labelled; the same seed gives the same
 * events. Hosts report CPU every minute (a daily cycle and noise) and a heartbeat every 30 s;
 * services serve a request every 2 s (latency with a daily cycle, a few errors). Incidents, at
 * random times and of random size: sustained overload (CPU 92 to 99 for 10 to 40 minutes), a silent
 * host (nothing at all for 10 to 60 minutes), an error burst (15% to 50% of requests failing for 5
 * to 20 minutes) and a slow creep (latency growing to 4 to 8 times its usual over 20 to 40 minutes,
 * labelled from when it passes twice its usual).
 *
 * <p>Beside the fleet, {@link SeriesGenerator} adds metrics of several kinds with daily and weekly
 * seasonality, 1 to 8 weeks of history ending with the fleet's days, and anomalies of several shapes.
 */
public final class MonitoringGenerator {
    /** How much to generate. */
    public record Settings(long seed, int hosts, int services, int days, Instant start, int series) {
        public Settings {
            if (hosts < 0 || services < 0 || series < 0 || days < 1) {
                throw new IllegalArgumentException("generate at least one day, and no negative number of hosts, services or series");
            }
        }

        /** The fleet alone. */
        public Settings(long seed, int hosts, int services, int days, Instant start) {
            this(seed, hosts, services, days, start, 0);
        }
    }

    /** What was generated. */
    public record Summary(int events, List<IncidentScore.Window> incidents, List<String> hosts) {
    }

    private record Line(long time, ObjectNode json) {
    }

    private static final long MINUTE = 60_000;
    private final Settings settings;
    private final Random random;
    private final ObjectMapper json = new ObjectMapper();
    private final List<Line> events = new ArrayList<>();
    private int next;

    public MonitoringGenerator(Settings settings) {
        this.settings = settings;
        this.random = new Random(settings.seed());
    }

    /** Writes the events (NDJSON, in time order); the incidents are the labels. */
    public Summary write(Writer out) throws IOException {
        long start = settings.start().toEpochMilli();
        long end = start + Duration.ofDays(settings.days()).toMillis();
        var incidents = new ArrayList<IncidentScore.Window>();
        var names = new ArrayList<String>();
        for (int h = 1; h <= settings.hosts(); h++) {
            var host = String.format(Locale.ROOT, "host-%02d", h);
            names.add(host);
            // One incident a day per host, of one kind or the other, away from the start so that windows have history.
            var overloads = new ArrayList<long[]>();
            var silences = new ArrayList<long[]>();
            for (int d = 0; d < settings.days(); d++) {
                long at = start + d * 1440 * MINUTE + (180 + random.nextInt(1080)) * MINUTE;
                if (random.nextBoolean()) {
                    long length = (10 + random.nextInt(31)) * MINUTE;
                    overloads.add(new long[] {at, at + length});
                    incidents.add(new IncidentScore.Window(host, Instant.ofEpochMilli(at), Instant.ofEpochMilli(at + length), "overload"));
                } else {
                    long length = (10 + random.nextInt(51)) * MINUTE;
                    silences.add(new long[] {at, at + length});
                    incidents.add(new IncidentScore.Window(host, Instant.ofEpochMilli(at), Instant.ofEpochMilli(at + length), "silent host"));
                }
            }
            double phase = random.nextDouble() * 2 * Math.PI;
            for (long t = start; t < end; t += MINUTE) {
                if (inside(silences, t)) {
                    continue;
                }
                double cpu = 35 + 20 * Math.sin(2 * Math.PI * (t - start) / (1440.0 * MINUTE) + phase) + 4 * random.nextGaussian();
                if (inside(overloads, t)) {
                    cpu = 92 + random.nextDouble() * 7;
                }
                add(t, json.createObjectNode().put("type", "Metric").put("host", host).put("name", "cpu")
                        .put("value", Math.round(Math.max(0, Math.min(100, cpu)) * 10) / 10.0));
                add(t, json.createObjectNode().put("type", "Heartbeat").put("host", host));
                add(t + 30_000, json.createObjectNode().put("type", "Heartbeat").put("host", host));
            }
        }
        for (int s = 1; s <= settings.services(); s++) {
            var service = String.format(Locale.ROOT, "svc-%d", s);
            names.add(service);
            var bursts = new ArrayList<long[]>();
            var creeps = new ArrayList<long[]>();
            for (int d = 0; d < settings.days(); d++) {
                long at = start + d * 1440 * MINUTE + (180 + random.nextInt(1080)) * MINUTE;
                if (random.nextBoolean()) {
                    long length = (5 + random.nextInt(16)) * MINUTE;
                    bursts.add(new long[] {at, at + length});
                    incidents.add(new IncidentScore.Window(service, Instant.ofEpochMilli(at), Instant.ofEpochMilli(at + length), "error burst"));
                } else {
                    long length = (20 + random.nextInt(21)) * MINUTE;
                    double peak = 4 + random.nextDouble() * 4;
                    creeps.add(new long[] {at, at + length, Double.doubleToLongBits(peak)});
                    // Labelled from when the latency passes twice its usual: before that it is a drift, not yet an incident.
                    long labelled = at + (long) (length * (1.0 / (peak - 1)));
                    incidents.add(new IncidentScore.Window(service, Instant.ofEpochMilli(labelled), Instant.ofEpochMilli(at + length), "slow creep"));
                }
            }
            double usual = 40 + random.nextDouble() * 80;
            double burstRate = 0.15 + random.nextDouble() * 0.35;
            for (long t = start; t < end; t += 2_000) {
                double daily = 1 + 0.3 * Math.sin(2 * Math.PI * (t - start) / (1440.0 * MINUTE));
                double factor = 1;
                for (var c : creeps) {
                    if (t >= c[0] && t < c[1]) {
                        factor = 1 + (Double.longBitsToDouble(c[2]) - 1) * (t - c[0]) / (double) (c[1] - c[0]);
                    }
                }
                double failRate = inside(bursts, t) ? burstRate : 0.005;
                int status = random.nextDouble() < failRate ? (random.nextBoolean() ? 500 : 503) : 200;
                double latency = usual * daily * factor * Math.exp(0.25 * random.nextGaussian());
                add(t, json.createObjectNode().put("type", "Request").put("service", service).put("status", status)
                        .put("latency", Math.round(latency * 10) / 10.0));
            }
        }
        var series = new SeriesGenerator(settings.seed()).generate(settings.series(), end);
        for (var r : series.readings()) {
            add(r.time(), json.createObjectNode().put("type", "Metric").put("host", r.host()).put("name", r.name()).put("value", r.value()));
        }
        names.addAll(series.hosts());
        incidents.addAll(series.windows());
        events.sort(Comparator.comparingLong(Line::time));
        for (var line : events) {
            out.write(json.writeValueAsString(line.json()));
            out.write('\n');
        }
        incidents.sort(Comparator.comparing(IncidentScore.Window::start));
        return new Summary(events.size(), incidents, names);
    }

    private void add(long time, ObjectNode event) {
        var node = json.createObjectNode().put("type", event.get("type").asText()).put("id", "ev-" + ++next)
                .put("time", Instant.ofEpochMilli(time).toString());
        event.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("type")) {
                node.set(e.getKey(), e.getValue());
            }
        });
        events.add(new Line(time, node));
    }

    private static boolean inside(List<long[]> spans, long t) {
        for (var s : spans) {
            if (t >= s[0] && t < s[1]) {
                return true;
            }
        }
        return false;
    }

    /** The incidents as NDJSON labels. */
    public static void writeLabels(List<IncidentScore.Window> incidents, Writer out) throws IOException {
        var json = new ObjectMapper();
        for (var w : incidents) {
            out.write(json.writeValueAsString(json.createObjectNode().put("host", w.host()).put("start", w.start().toString())
                    .put("end", w.end().toString()).put("kind", w.kind())));
            out.write('\n');
        }
    }
}
