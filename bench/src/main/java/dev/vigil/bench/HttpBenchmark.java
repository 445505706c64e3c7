package dev.vigil.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.engine.api.RuleSetSettings;
import dev.vigil.engine.api.RuleSetSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;

/**
 * Drives {@code vigil serve}, started as users start it, with wrk from processes of their own, and
 * reports from one run:
 *
 * <ul>
 *   <li>single-event requests (16 keep-alive connections) and NDJSON batches of 1,000 events, each
 *       as requests/s, events accepted/s and events the rules processed/s (from {@code /metrics});
 *   <li>the latency from sending an event to receiving, on the server-sent event stream, the alert
 *       it completed: wrk stamps each event id with the microsecond it sent it, and this class
 *       subtracts that stamp from the alert's arrival time;
 *   <li>{@code /api/v1/health} requests/s, the floor of the HTTP stack on this machine at the time;
 *   <li>the engine alone on the same rule and the same kind of events (a replay, in this JVM, once
 *       the server has stopped), so that the cost of HTTP shows.
 * </ul>
 *
 * <p>The server is started with the {@code vigil} launcher, so with its JVM options (or those of
 * {@code VIGIL_JAVA_OPTS}); run this class's JVM with the same ones, since it replays the events
 * for the engine-alone figure. The server runs the replay benchmark's W1 rule twice: as rule set {@code bench} for wrk, with
 * 1 s of allowed lateness since 16 connections post concurrently and events reach the server a
 * little out of order; and as {@code steady}, with none, for the steady run, so that no event is
 * held back for ordering and the latency is the server's alone. Arguments (optional):
 * seconds per run (default 15) and rounds (default 3).
 */
public final class HttpBenchmark {
    private static final long DAY = TimeUnit.DAYS.toMillis(1);
    /**
     * Each run takes a day of event time of its own from here: sixty days before today, so that
     * every run's events are in the past (the server refuses event times more than an hour ahead of its clock).
     */
    private static final long EVENT_TIME_START = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(60)).toEpochMilli();
    /** Accounts the events are spread over, as in wrk's scripts and the replay. */
    private static final int ACCOUNTS = 10_000;
    /** The most events per second of the steady run, sent one at a time: well below what the server takes, so that latency is not queueing. */
    private static final int PACED_RATE = 1_000;
    /**
     * The steady run's events are 60 ms apart in event time, on 1/30 of the accounts: each account
     * sees as many events per minute of event time as in the other runs (so about as many alerts),
     * and the 60-second windows fill within the first second.
     */
    private static final int PACED_SPACING = 60;
    private static final int PACED_ACCOUNTS = ACCOUNTS * 2 / PACED_SPACING;
    private static final Pattern WRK_RATE = Pattern.compile("Requests/sec:\\s+([\\d.]+)");
    private static final Pattern SENT = Pattern.compile("^e(\\d+)-(\\d+)$");

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ConcurrentLinkedQueue<long[]> alertLatencies = new ConcurrentLinkedQueue<>();
    private final int seconds;
    /** The rule sets' partitions by account; 0: not partitioned. */
    private final int partitions;
    private ServerProcess server;
    private int runs;

    private HttpBenchmark(int seconds, int partitions) {
        this.partitions = partitions;
        this.seconds = seconds;
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int partitions = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        new HttpBenchmark(seconds, partitions).run(rounds);
    }

    /**
     * One run's figures.
     *
     * @param requestsPerSecond  requests wrk completed per second
     * @param endToEndPerSecond  events accepted during the run, per second from its start until the rules had processed them all
     * @param processedPerSecond events the rules processed per second while the run lasted
     * @param late               events that arrived behind the watermark
     * @param alerts             alerts timed (whose newest evidence was sent during the run)
     * @param p50Millis          median time from sending an alert's newest evidence to receiving the alert
     * @param p99Millis          99th percentile of the same
     * @param queuedMillis       mean time, in the server, from accepting a submission to the rules having processed it
     * @param storingMillis      mean time, in the server, from a rule raising an alert to its being stored and streamed
     */
    private record Load(double requestsPerSecond, double endToEndPerSecond, double processedPerSecond, long late,
                        int alerts, double p50Millis, double p99Millis, double queuedMillis, double storingMillis) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%,.0f req/s, %,.0f events/s end to end, %,.0f processed/s, %d late;"
                            + " %d alerts p50 %.0f ms p99 %.0f ms; in the server: accepted to processed %.1f ms, raised to streamed %.1f ms (means)",
                    requestsPerSecond, endToEndPerSecond, processedPerSecond, late, alerts, p50Millis, p99Millis, queuedMillis, storingMillis);
        }
    }

    private void run(int rounds) throws Exception {
        // W1 raises an alert for about every tenth event: the flood guard would stop a rule set that keeps up.
        server = ServerProcess.start(Files.createTempDirectory("vigil-http-bench"), "--rules", "none", "--max-alerts-per-second", "1000000");
        var single = new ArrayList<Load>();
        var ndjson = new ArrayList<Load>();
        var paced = new ArrayList<Load>();
        var health = new double[rounds];
        try {
            deploy("bench", "1s");
            deploy("steady", "0s");
            streamAlerts();
            System.out.printf("server %s; wrk runs of %d s, %d rounds; %s%n", server.url(), seconds, rounds,
                    partitions > 0 ? partitions + " partitions by accountId" : "not partitioned");
            System.out.println("warming up (JIT) ...");
            wrk("single-event.lua", 16, seconds * 2);
            wrk("ndjson.lua", 1, seconds);
            for (int r = 0; r < rounds; r++) {
                health[r] = wrk("health", 16, seconds).requestsPerSecond;
                single.add(wrk("single-event.lua", 16, seconds));
                ndjson.add(wrk("ndjson.lua", 1, seconds));
                paced.add(paced(PACED_RATE, seconds));
                System.out.printf("round %d: health %,.0f req/s%n  single: %s%n  ndjson: %s%n  paced:  %s%n",
                        r + 1, health[r], single.get(r), ndjson.get(r), paced.get(r));
            }
        } finally {
            server.close();
        }
        var engine = new double[rounds];
        int events = 500_000;
        replay(events / 2);
        for (int r = 0; r < rounds; r++) {
            engine[r] = replay(events);
        }
        report(health, single, ndjson, paced, engine);
    }

    private void deploy(String name, String lateness) throws IOException, InterruptedException {
        var body = json.createObjectNode();
        body.putObject("files").put("bench.drl", Workload.W1);
        var settings = body.putObject("settings").put("lateness", lateness);
        if (partitions > 0) {
            settings.put("partitionBy", "accountId").put("partitions", partitions);
        }
        var response = server.send(server.request("api/v1/rulesets/" + name)
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString())).header("Content-Type", "application/json"));
        if (response.statusCode() != 200 && response.statusCode() != 201) {
            throw new IllegalStateException("deploying the rule set failed: " + response.statusCode() + " " + response.body());
        }
    }

    /**
     * Records, for every alert on the stream that fired as an event arrived (the event of its
     * evidence or context whose time is the alert's: W1's every windowed event is a trigger, and the
     * arriving one may be among the window it counted), when that event was sent and how long the
     * alert took to arrive.
     * Alerts that fired as time passed (W1 fires again when an expiry leaves more than 5 events in
     * a window) have no such event and are not timed.
     */
    private void streamAlerts() {
        var request = HttpRequest.newBuilder(URI.create(server.url() + "api/v1/alerts/stream"))
                .header("Authorization", "Bearer " + server.token()).header("Accept", "text/event-stream").build();
        // Async: thenAccept would read the endless stream on the calling thread if the answer were already there.
        http.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenAcceptAsync(response -> response.body().forEach(line -> {
            if (!line.startsWith("data:")) {
                return;
            }
            long arrived = nowMicros();
            try {
                var alert = json.readTree(line.substring(5));
                long firedAt = Instant.parse(alert.path("eventTime").asText()).toEpochMilli();
                var ids = new ArrayList<JsonNode>();
                alert.path("evidence").forEach(ids::add);
                alert.path("context").path("ids").forEach(ids::add);
                for (var id : ids) {
                    var m = SENT.matcher(id.asText());
                    if (m.matches() && Long.parseLong(m.group(2)) == firedAt) {
                        long sent = Long.parseLong(m.group(1));
                        alertLatencies.add(new long[] {sent, arrived - sent});
                        break;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }));
    }

    private static long nowMicros() {
        var now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    /** One wrk run: {@code script} in bench/wrk, or "health" for GET /api/v1/health. */
    private Load wrk(String script, int connections, int duration) throws IOException, InterruptedException {
        runs++;
        var command = new ArrayList<>(List.of("wrk", "-t1", "-c" + connections, "-d" + duration + "s", "--timeout", "30s"));
        Path scriptFile;
        if (script.equals("health")) {
            scriptFile = Files.createTempFile("health", ".lua");
            Files.writeString(scriptFile, "request = function() return wrk.format(\"GET\", \"/api/v1/health\") end\n");
        } else {
            scriptFile = Path.of("bench/wrk", script);
        }
        command.addAll(List.of("-s", scriptFile.toString(), server.url()));
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("TOKEN", server.token());
        // Every run starts a day of event time after the last: none of its events is late.
        builder.environment().put("BASE", Long.toString(EVENT_TIME_START + runs * DAY));
        var before = metrics("bench");
        long started = nowMicros();
        var process = builder.start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("wrk failed:\n" + output);
        }
        var rate = WRK_RATE.matcher(output);
        if (!rate.find()) {
            throw new IllegalStateException("no rate in wrk's output:\n" + output);
        }
        return measured("bench", started, before, Double.parseDouble(rate.group(1)));
    }

    /** The figures of a run that started at {@code started} (microseconds) with the server's counters at {@code before}. */
    private Load measured(String ruleSet, long started, Counts before, double requestsPerSecond) throws IOException, InterruptedException {
        long ended = nowMicros();
        var after = metrics(ruleSet);
        drain(ruleSet);
        long drained = nowMicros();
        var accepted = metrics(ruleSet).accepted - before.accepted;
        // Alerts of the run's last events may still be on their way.
        TimeUnit.SECONDS.sleep(1);
        var latencies = alertLatencies.stream().filter(l -> l[0] >= started && l[0] < ended).mapToLong(l -> l[1]).sorted().toArray();
        var done = metrics(ruleSet);
        return new Load(requestsPerSecond, accepted / ((drained - started) / 1e6), (after.processed - before.processed) / ((ended - started) / 1e6),
                after.late - before.late, latencies.length, percentile(latencies, 0.50) / 1e3, percentile(latencies, 0.99) / 1e3,
                1e3 * (done.waitedSeconds - before.waitedSeconds) / Math.max(1, done.submissions - before.submissions),
                1e3 * (done.alertDelaySeconds - before.alertDelaySeconds) / Math.max(1, done.alertsStored - before.alertsStored));
    }

    /**
     * Single events at a steady {@code rate} per second for {@code duration} seconds, from this JVM:
     * the latency of a server that is not saturated. They are sent in order, each once the one before
     * was answered, as a live producer sends: sent concurrently they reached a rule set with no
     * lateness out of order, and most of them counted as late, a measure of the client's own disorder.
     */
    private Load paced(int rate, int duration) throws IOException, InterruptedException {
        runs++;
        long base = EVENT_TIME_START + runs * DAY;
        var before = metrics("steady");
        long started = nowMicros();
        long start = System.nanoTime();
        long interval = 1_000_000_000L / rate;
        int total = rate * duration;
        long refused = 0;
        var random = new SplittableRandom(7);
        for (int i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            long time = base + i * (long) PACED_SPACING;
            var body = String.format(Locale.ROOT, "{\"type\":\"Transaction\",\"id\":\"e%d-%d\",\"time\":%d,\"accountId\":\"acc-%d\",\"amount\":%d.5}",
                    nowMicros(), time, time, random.nextInt(PACED_ACCOUNTS), i % 1000);
            var response = http.send(HttpRequest.newBuilder(URI.create(server.url() + "api/v1/events?ruleset=steady"))
                    .header("Authorization", "Bearer " + server.token()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
            refused += response.statusCode() == 202 ? 0 : 1;
        }
        if (refused > 0) {
            throw new IllegalStateException(refused + " paced events were refused");
        }
        return measured("steady", started, before, total / ((nowMicros() - started) / 1e6));
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private record Counts(long accepted, long processed, long late, long queued, double waitedSeconds, long submissions,
                          double alertDelaySeconds, long alertsStored) {
    }

    private Counts metrics(String ruleSet) throws IOException, InterruptedException {
        var scrape = server.scrape();
        return new Counts((long) scrape.sum("vigil_events_accepted_total", "ruleset", ruleSet),
                (long) scrape.sum("vigil_events_processed_total", "ruleset", ruleSet), (long) scrape.sum("vigil_events_late_total", "ruleset", ruleSet),
                (long) scrape.sum("vigil_queue_depth", "ruleset", ruleSet), scrape.sum("vigil_ingestion_latency_seconds_sum", "ruleset", ruleSet),
                (long) scrape.sum("vigil_ingestion_latency_seconds_count", "ruleset", ruleSet), scrape.sum("vigil_alerts_delay_seconds_sum"),
                (long) scrape.sum("vigil_alerts_delay_seconds_count"));
    }

    /** Waits until the rule set has processed what it accepted, so that one run does not bleed into the next. */
    private void drain(String ruleSet) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (metrics(ruleSet).queued > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the rule set did not drain its queue in 2 minutes");
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    /** The engine alone: a replay of {@code events} transactions like wrk's through W1, with the server's settings. */
    private double replay(int events) {
        var compiled = Workload.ENGINE.prepareReplay(RuleSetSource.of("bench", Map.of("bench.drl", Workload.W1))
                .withSettings(RuleSetSettings.DEFAULTS.withAllowedLateness(Duration.ofSeconds(1))));
        var result = compiled.run(Workload.transactions(json, EVENT_TIME_START, events, ACCOUNTS, 2, null), null, alert -> { });
        return result.stats().eventsPerSecond();
    }

    private static void report(double[] health, List<Load> single, List<Load> ndjson, List<Load> paced, double[] engine) {
        double engineRate = Workload.median(engine);
        System.out.println();
        System.out.printf(Locale.ROOT, "| measure | median | rounds |%n|---|---:|---|%n");
        row("`/api/v1/health`, 16 connections: requests/s", health);
        row("single events, 16 connections: requests/s", single, Load::requestsPerSecond);
        row("single events: events/s end to end", single, Load::endToEndPerSecond);
        row("single events, saturated: event-to-alert p50 (ms)", single, Load::p50Millis);
        row("single events, saturated: event-to-alert p99 (ms)", single, Load::p99Millis);
        row("NDJSON, batches of 1,000, 1 connection: events/s end to end", ndjson, Load::endToEndPerSecond);
        row("NDJSON: events processed by the rules/s while posting", ndjson, Load::processedPerSecond);
        row("NDJSON, saturated: event-to-alert p50 (ms)", ndjson, Load::p50Millis);
        row("NDJSON, saturated: event-to-alert p99 (ms)", ndjson, Load::p99Millis);
        var steady = "single events in order, one at a time, at most " + PACED_RATE + "/s: ";
        row(steady + "events/s", paced, Load::endToEndPerSecond);
        row(steady + "event-to-alert p50 (ms)", paced, Load::p50Millis);
        row(steady + "event-to-alert p99 (ms)", paced, Load::p99Millis);
        row(steady + "late events", paced, Load::late);
        row("engine alone (replay of 500,000 such events): events/s", engine);
        double ndjsonRate = Workload.median(ndjson.stream().mapToDouble(Load::endToEndPerSecond).toArray());
        System.out.printf(Locale.ROOT, "| NDJSON end to end / engine alone | %.2f | |%n", ndjsonRate / engineRate);
        System.out.printf(Locale.ROOT, "%nalerts timed: single %s; NDJSON %s; paced %s. Late events: single %s; NDJSON %s; paced %s%n",
                single.stream().map(Load::alerts).toList(), ndjson.stream().map(Load::alerts).toList(), paced.stream().map(Load::alerts).toList(),
                single.stream().map(Load::late).toList(), ndjson.stream().map(Load::late).toList(), paced.stream().map(Load::late).toList());
    }

    private static void row(String label, List<Load> loads, ToDoubleFunction<Load> measure) {
        row(label, loads.stream().mapToDouble(measure).toArray());
    }

    private static void row(String label, double[] values) {
        boolean small = Arrays.stream(values).allMatch(v -> v < 100);
        var rounds = small ? Arrays.stream(values).mapToObj(v -> String.format(Locale.ROOT, "%.1f", v)).toList().toString()
                : Workload.list(values);
        System.out.printf(Locale.ROOT, small ? "| %s | %.1f | %s |%n" : "| %s | %,.0f | %s |%n", label, Workload.median(values),
                rounds.replace("[", "").replace("]", ""));
    }
}
