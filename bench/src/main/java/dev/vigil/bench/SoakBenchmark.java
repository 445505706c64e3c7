package dev.vigil.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.samples.fraud.FraudGenerator;
import dev.vigil.samples.monitoring.MonitoringGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.concurrent.locks.LockSupport;

/**
 * A soak: {@code vigil serve} with the repository's rule sets ({@code rules/fraud} and
 * {@code rules/monitoring}, deployed from the rules folder as users run it, on a fresh data
 * folder, journal on) under a steady load of the samples' traffic over HTTP for a given time,
 * read once a second, to see whether it holds the rate and whether its heap stays flat.
 *
 * <p><b>Traffic.</b> The samples' seeded generators (fraud: 2,000 customers over 14 days, seed 7;
 * monitoring: 20 hosts and 5 services over 3 days, seed 7) are run once, here, and their events
 * streamed again and again, each pass with card and terminal ids of its own (see
 * {@link SampleStream}): 90% of the events are the fraud sample's
 * payments and reports, 10% the monitoring sample's readings, heartbeats and requests. Event time
 * keeps the samples' own timeline, passed faster than the wall clock so that each sample gives its
 * share of the rate, and starts as far before the run's start as the run will carry it, so that it
 * never passes the wall clock (the server refuses event times more than an hour ahead of its own): at 10,000 events/s that is about 167,000 times
 * for fraud (14 days in 7 s) and about 500 times for monitoring (3 days in 8.6 minutes). Real time
 * would not do: the rules keep payments 30 days and readings 2 days, so at real speed nothing would
 * leave working memory during the run, the facts would grow by the event rate (10,000 a second) and
 * the heap could not be flat by construction; passed faster, every window and retention of the
 * rule sets turns over many times (fraud's 30 days in 15 s, monitoring's 2 days in 6 minutes) and
 * the working memory settles at the samples' own size, so a steady heap is what a sound server
 * shows. Each sample's share of events per second is steady over a second; within one, the fraud
 * sample's day and night (a day lasts half a second) make the batches uneven, as traffic is.
 *
 * <p><b>Sending.</b> One sender per sample, each on a thread of its own with one keep-alive
 * HTTP/1.1 connection of one {@link HttpClient}: every 10 ms it posts the events then due to its
 * rule set ({@code POST /api/v1/events?ruleset=...}, NDJSON, up to 5,000 events a request),
 * waiting for each answer before the next POST, so that a rule set gets its events in order (the
 * rule sets allow no lateness). A POST's latency is timed from sending to its answer. The schedule
 * is kept when the server is slow: events are never dropped or re-timed; the schedule's rate grows
 * evenly from none to the target over the first minute ({@link #RAMP_SECONDS}), so that the JIT
 * compiles the rules under load rather than taking the full rate cold; when an answer takes
 * longer than 10 ms the next POST carries everything that fell due meanwhile, and how late a POST
 * went out against its first event's schedule is reported. 202s, other answers and failures are
 * counted by the events they carried; refused events are not sent again.
 *
 * <p><b>Reading the server.</b> Once a second from {@code /metrics} (see {@link ServerReading})
 * and the CPU time of both processes; every 10 s of it is one {@link SoakSample}, a line of the CSV
 * ({@code bench/target/soak.csv}). After the last events the benchmark waits, up to a minute,
 * until every rule set has processed the events it accepted, and reports both counts.
 *
 * <p><b>Report.</b> {@link SoakReport} prints the summary, the flatness verdict (defined there,
 * with the warm-up: a sixth of the run, or longer until every rule set's working memory is full),
 * a table of the run in sixths; {@link SoakChart} draws {@code bench/results/soak.svg}.
 *
 * <p>Arguments (optional): minutes (default 30) and events per second (default 10,000). The server
 * runs with the launcher's JVM options (or {@code VIGIL_JAVA_OPTS}); the load generator runs in
 * this JVM on the same machine and shares its cores, and its own CPU is reported.
 */
public final class SoakBenchmark {
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final int MAX_EVENTS_PER_POST = 5_000;
    private static final double FRAUD_SHARE = 0.9;
    private static final int SAMPLE_SECONDS = 10;
    /** The first minute the rate grows evenly from none to the target, as a load test starts. */
    static final double RAMP_SECONDS = 60;
    private static final List<String> RULE_SETS = List.of("fraud", "monitoring");
    private static final Instant SAMPLE_START = Instant.parse("2026-01-05T00:00:00Z");
    private static final int FRAUD_DAYS = 14;
    private static final int MONITORING_DAYS = 3;
    private static final Path CSV = Path.of("bench/target/soak.csv");
    private static final Path CHART = Path.of("bench/results/soak.svg");

    private final int minutes;
    private final int rate;
    private final PostLog posts = new PostLog();
    private final List<ServerReading> readings = Collections.synchronizedList(new ArrayList<>());
    private final ConcurrentLinkedQueue<String> refusals = new ConcurrentLinkedQueue<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private ServerProcess server;
    private long start;

    private SoakBenchmark(int minutes, int rate) {
        this.minutes = minutes;
        this.rate = rate;
    }

    public static void main(String[] args) throws Exception {
        int minutes = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        new SoakBenchmark(minutes, rate).run();
    }

    private void run() throws Exception {
        long now = System.currentTimeMillis();
        long runMillis = TimeUnit.MINUTES.toMillis(minutes);
        var streams = Stream.of(fraud(rate * FRAUD_SHARE), monitoring(rate * (1 - FRAUD_SHARE)))
                .map(s -> s.from(now - (long) Math.ceil(s.speed() * runMillis))).toList();
        for (var s : streams) {
            System.out.printf("%s: %,d events a lap, event time at %,.0f times the wall clock; working memory full after %.0f s%n", s.name(),
                    s.eventsPerLap(), s.speed(), wallAt(1000 * s.fillSeconds()) / 1000);
        }
        var work = Files.createTempDirectory("vigil-soak");
        SoakReport.Outcome outcome;
        try (var started = ServerProcess.start(work, "--rules", "rules")) {
            server = started;
            System.out.printf("server %s (log: %s); %d minutes at %,d events/s on %d cores, load generator included%n", server.url(),
                    work.resolve("server.log"), minutes, rate, Runtime.getRuntime().availableProcessors());
            var before = health();
            var sampler = Executors.newSingleThreadScheduledExecutor();
            start = System.nanoTime();
            sampler.scheduleAtFixedRate(this::read, 0, 1, TimeUnit.SECONDS);
            var senders = streams.stream().map(s -> new Thread(() -> send(s, start + TimeUnit.MINUTES.toNanos(minutes)), "send-" + s.name()))
                    .toList();
            senders.forEach(Thread::start);
            for (var sender : senders) {
                sender.join();
            }
            long drained = drain();
            sampler.shutdown();
            sampler.awaitTermination(10, TimeUnit.SECONDS);
            var last = reading();
            outcome = new SoakReport.Outcome(before, health(), drained, last, List.copyOf(refusals),
                    warnings(work.resolve("server.log")));
        }
        var samples = samples();
        Files.createDirectories(CSV.getParent());
        var csv = new ArrayList<String>();
        csv.add(SoakSample.csvHeader(RULE_SETS));
        samples.forEach(s -> csv.add(s.csvLine(RULE_SETS)));
        Files.write(CSV, csv);
        // A sixth of the run, or until every rule set's working memory is full, to whole samples.
        double fill = wallAt(1000 * streams.stream().mapToDouble(SampleStream::fillSeconds).max().orElse(0)) / 1000;
        double warmUp = Math.ceil(Math.max(minutes * 60 / 6.0, fill) / SAMPLE_SECONDS) * SAMPLE_SECONDS;
        var report = new SoakReport(minutes, rate, warmUp, RULE_SETS, samples, readings, posts, outcome);
        report.print(System.out);
        Files.createDirectories(CHART.getParent());
        Files.writeString(CHART, SoakChart.svg(minutes, rate, warmUp, samples));
        System.out.printf("%nsamples: %s; chart: %s%n", CSV, CHART);
    }

    private static SampleStream fraud(double eventsPerSecond) throws IOException {
        var events = new StringWriter();
        new FraudGenerator(new FraudGenerator.Settings(7, 2_000, FRAUD_DAYS, SAMPLE_START)).write(events, Writer.nullWriter());
        return SampleStream.of("fraud", events.toString().lines().toList(), SAMPLE_START, Duration.ofDays(FRAUD_DAYS),
                Set.of("cardId", "terminalId", "transactionId"), eventsPerSecond, Duration.ofDays(30));
    }

    private static SampleStream monitoring(double eventsPerSecond) throws IOException {
        var events = new StringWriter();
        new MonitoringGenerator(new MonitoringGenerator.Settings(7, 20, 5, MONITORING_DAYS, SAMPLE_START)).write(events);
        return SampleStream.of("monitoring", events.toString().lines().toList(), SAMPLE_START, Duration.ofDays(MONITORING_DAYS),
                Set.of(), eventsPerSecond, Duration.ofDays(2));
    }

    /**
     * Sends {@code stream}'s events due until {@code end}: every 10 ms the events due by then, or,
     * when the last POST took longer, at once what fell due meanwhile, so that a slow answer makes
     * the next batch larger and the schedule holds. One POST at a time: the rule set gets its events
     * in order.
     */
    private void send(SampleStream stream, long end) {
        var body = new StringBuilder(1 << 20);
        double durationMillis = scheduleAt((end - start) / 1e6);
        long tick = start;
        try {
            while (stream.nextDueMillis() <= durationMillis) {
                LockSupport.parkNanos(tick - System.nanoTime());
                tick += TICK_NANOS;
                double firstDue = stream.nextDueMillis();
                body.setLength(0);
                int n = stream.appendDue(Math.min(scheduleAt((System.nanoTime() - start) / 1e6), durationMillis), body, MAX_EVENTS_PER_POST);
                if (n > 0) {
                    post(stream.name(), body.toString(), n, start + (long) (wallAt(firstDue) * 1e6));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Where the streams' schedule (milliseconds at the full rate) is {@code wallMillis} into the
     * run: during the ramp the rate is {@code target * t / ramp}, so the schedule covers t²/2 of it.
     */
    static double scheduleAt(double wallMillis) {
        double ramp = RAMP_SECONDS * 1000;
        return wallMillis < ramp ? wallMillis * wallMillis / (2 * ramp) : wallMillis - ramp / 2;
    }

    /** The wall time into the run, in milliseconds, at which the schedule reaches {@code scheduleMillis}. */
    static double wallAt(double scheduleMillis) {
        double ramp = RAMP_SECONDS * 1000;
        return scheduleMillis < ramp / 2 ? Math.sqrt(2 * ramp * scheduleMillis) : scheduleMillis + ramp / 2;
    }

    /** One NDJSON POST of {@code events} events to {@code ruleSet}, the first of them due at {@code firstDue} (nanoTime). */
    private void post(String ruleSet, String body, int events, long firstDue) throws InterruptedException {
        var request = server.request("api/v1/events?ruleset=" + ruleSet).header("Authorization", "Bearer " + server.token())
                .header("Content-Type", "application/x-ndjson").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long sent = System.nanoTime();
        int status;
        try {
            var response = http.send(request, HttpResponse.BodyHandlers.ofString());
            status = response.statusCode();
            if (status != 202 && refusals.size() < 20) {
                refusals.add(status + " " + response.body());
            }
        } catch (IOException e) {
            status = PostLog.FAILED;
            if (refusals.size() < 20) {
                refusals.add(e.toString());
            }
        }
        posts.add(sent - start, System.nanoTime() - sent, events, status, Math.max(0, sent - firstDue));
    }

    /** Waits, up to a minute, until every rule set has processed the events it accepted; answers how many seconds that took. */
    private long drain() throws IOException, InterruptedException {
        long from = System.nanoTime();
        while (System.nanoTime() - from < TimeUnit.MINUTES.toNanos(1)) {
            var scrape = server.scrape();
            if (RULE_SETS.stream().allMatch(r -> scrape.sum("vigil_events_processed_total", "ruleset", r)
                    >= scrape.sum("vigil_events_accepted_total", "ruleset", r))) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - from);
    }

    private void read() {
        try {
            readings.add(reading());
        } catch (IOException | RuntimeException e) {
            System.err.println("reading /metrics failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ServerReading reading() throws IOException, InterruptedException {
        double at = (System.nanoTime() - start) / 1e9;
        var scrape = server.scrape();
        return ServerReading.of(at, scrape, RULE_SETS, cpuSeconds(ProcessHandle.of(server.pid()).orElseThrow()),
                cpuSeconds(ProcessHandle.current()));
    }

    private static double cpuSeconds(ProcessHandle process) {
        return process.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }

    /** The state of each rule set, as {@code /api/v1/health} answers it. */
    private String health() throws IOException, InterruptedException {
        var ruleSets = new ArrayList<String>();
        for (var r : new ObjectMapper().readTree(server.send(server.request("api/v1/health")).body()).path("ruleSets")) {
            ruleSets.add(r.path("name").asText() + " v" + r.path("version").asText() + " " + r.path("state").asText()
                    + (r.has("reason") ? " (" + r.path("reason").asText() + ")" : ""));
        }
        return String.join(", ", ruleSets);
    }

    /** The server log's warnings and errors. */
    private static List<String> warnings(Path log) throws IOException {
        return Files.readAllLines(log).stream().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).toList();
    }

    /**
     * The readings in intervals of {@value #SAMPLE_SECONDS} s up to the end of sending, each ending
     * with the first reading at or after its end (a reading is late, never early, when the server
     * or this JVM stalls).
     */
    private List<SoakSample> samples() {
        var out = new ArrayList<SoakSample>();
        var all = List.copyOf(readings);
        int from = 0;
        for (int end = SAMPLE_SECONDS; end <= minutes * 60; end += SAMPLE_SECONDS) {
            int to = from + 1;
            while (to < all.size() && all.get(to).seconds() < end - 0.5) {
                to++;
            }
            if (to >= all.size()) {
                break;
            }
            var before = all.get(from);
            out.add(SoakSample.of(end, before, all.subList(from + 1, to + 1), posts.between(before.seconds(), all.get(to).seconds())));
            from = to;
        }
        return out;
    }
}
