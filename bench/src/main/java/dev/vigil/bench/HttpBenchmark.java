package dev.vigil.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.engine.replay.Replay;
import dev.vigil.engine.ruleset.RuleSetCompiler;
import dev.vigil.engine.ruleset.RuleSetSettings;
import dev.vigil.engine.ruleset.RuleSetSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
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
 *       subtracts the newest evidence's stamp from each alert's arrival time;
 *   <li>{@code /api/v1/health} requests/s, the floor of the HTTP stack on this machine at the time;
 *   <li>the engine alone on the same rule and the same kind of events (a replay, in this JVM, once
 *       the server has stopped), so that the cost of HTTP shows.
 * </ul>
 *
 * <p>The server runs the replay benchmark's W1 rule with 1 s of allowed lateness: 16 connections
 * post concurrently, so events reach the server a little out of order. Arguments (optional):
 * seconds per run (default 15) and rounds (default 3). {@code VIGIL_JAVA_OPTS} is passed to the
 * server's JVM, as the {@code vigil} launcher does.
 */
public final class HttpBenchmark {
    private static final String TOKEN = "bench-" + Long.toHexString(System.nanoTime());
    private static final long EVENT_TIME_START = Instant.parse("2026-11-20T00:00:00Z").toEpochMilli();
    private static final long DAY = TimeUnit.DAYS.toMillis(1);
    private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+/)");
    private static final Pattern WRK_REPORT = Pattern.compile("(\\S+): (\\d+) requests/s, (\\d+) accepted \\(202\\) requests/s");
    private static final Pattern WRK_RATE = Pattern.compile("Requests/sec:\\s+([\\d.]+)");
    private static final Pattern SENT = Pattern.compile("^e(\\d+)-\\d+$");

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ConcurrentLinkedQueue<long[]> alertLatencies = new ConcurrentLinkedQueue<>();
    private final int seconds;
    private String url;
    private int runs;

    private HttpBenchmark(int seconds) {
        this.seconds = seconds;
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        new HttpBenchmark(seconds).run(rounds);
    }

    private record Load(double requestsPerSecond, double acceptedEventsPerSecond, double processedPerSecond, long late,
                        int alerts, double p50Millis, double p99Millis) {
    }

    private void run(int rounds) throws Exception {
        var data = Files.createTempDirectory("vigil-http-bench");
        var server = startServer(data);
        var single = new ArrayList<Load>();
        var ndjson = new ArrayList<Load>();
        var health = new double[rounds];
        try {
            deploy();
            streamAlerts();
            System.out.printf("server %s; wrk runs of %d s, %d rounds%n", url, seconds, rounds);
            System.out.println("warming up (JIT) ...");
            wrk("single-event.lua", 16, seconds * 2);
            drain();
            wrk("ndjson.lua", 2, seconds);
            drain();
            for (int r = 0; r < rounds; r++) {
                health[r] = wrk("health", 16, seconds).requestsPerSecond;
                single.add(wrk("single-event.lua", 16, seconds));
                drain();
                ndjson.add(wrk("ndjson.lua", 2, seconds));
                drain();
                System.out.printf("round %d: health %,.0f req/s; single %s; ndjson %s%n", r + 1, health[r], single.get(r), ndjson.get(r));
            }
        } finally {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
        var engine = new double[rounds];
        int events = 500_000;
        replay(events / 2);
        for (int r = 0; r < rounds; r++) {
            engine[r] = replay(events);
        }
        report(health, single, ndjson, engine);
    }

    private Process startServer(Path data) throws IOException {
        var command = new ArrayList<String>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        var opts = System.getenv("VIGIL_JAVA_OPTS");
        if (opts != null && !opts.isBlank()) {
            command.addAll(Arrays.asList(opts.trim().split("\\s+")));
        }
        command.addAll(List.of("-jar", "rest-api/target/vigil.jar", "serve", "--port", "0", "--data", data.resolve("data").toString(),
                "--rules", "none"));
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("VIGIL_ADMIN_TOKEN", TOKEN);
        var process = builder.start();
        var listening = new CompletableFuture<String>();
        var log = data.resolve("server.log");
        var reader = new Thread(() -> {
            try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                 var out = Files.newBufferedWriter(log)) {
                String line;
                while ((line = in.readLine()) != null) {
                    out.write(line);
                    out.newLine();
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        listening.complete(m.group(1));
                    }
                }
            } catch (IOException e) {
                listening.completeExceptionally(e);
            }
            listening.completeExceptionally(new IllegalStateException("the server stopped; see " + log));
        }, "server-log");
        reader.setDaemon(true);
        reader.start();
        try {
            url = listening.get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroy();
            throw new IllegalStateException("the server did not start: " + e.getMessage() + " (log: " + log + ")", e);
        }
        return process;
    }

    private void deploy() throws IOException, InterruptedException {
        var body = json.createObjectNode();
        body.putObject("files").put("bench.drl", Workload.W1);
        body.putObject("settings").put("lateness", "1s");
        var response = send(HttpRequest.newBuilder(URI.create(url + "api/v1/rulesets/bench"))
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString())).header("Content-Type", "application/json"));
        if (response.statusCode() != 200 && response.statusCode() != 201) {
            throw new IllegalStateException("deploying the rule set failed: " + response.statusCode() + " " + response.body());
        }
    }

    /** Records, for every alert on the stream, when its newest evidence was sent and how long the alert took to arrive. */
    private void streamAlerts() {
        var request = HttpRequest.newBuilder(URI.create(url + "api/v1/alerts/stream"))
                .header("Authorization", "Bearer " + TOKEN).header("Accept", "text/event-stream").build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenAccept(response -> response.body().forEach(line -> {
            if (!line.startsWith("data:")) {
                return;
            }
            long arrived = nowMicros();
            try {
                long newest = -1;
                for (var id : json.readTree(line.substring(5)).path("evidence")) {
                    var m = SENT.matcher(id.asText());
                    if (m.matches()) {
                        newest = Math.max(newest, Long.parseLong(m.group(1)));
                    }
                }
                if (newest > 0) {
                    alertLatencies.add(new long[] {newest, arrived - newest});
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
        command.addAll(List.of("-s", scriptFile.toString(), url));
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("TOKEN", TOKEN);
        // Every run starts a day of event time after the last: none of its events is late.
        builder.environment().put("BASE", Long.toString(EVENT_TIME_START + runs * DAY));
        var before = metrics();
        long started = nowMicros();
        var process = builder.start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("wrk failed:\n" + output);
        }
        long ended = nowMicros();
        var after = metrics();
        var rate = WRK_RATE.matcher(output);
        if (!rate.find()) {
            throw new IllegalStateException("no rate in wrk's output:\n" + output);
        }
        double requests = Double.parseDouble(rate.group(1));
        var report = WRK_REPORT.matcher(output);
        double accepted = report.find() ? Double.parseDouble(report.group(3)) * (script.equals("ndjson.lua") ? 1_000 : 1) : 0;
        double elapsed = (ended - started) / 1e6;
        var latencies = alertLatencies.stream().filter(l -> l[0] >= started && l[0] < ended).mapToLong(l -> l[1]).sorted().toArray();
        return new Load(requests, accepted, (after.processed - before.processed) / elapsed, after.late - before.late,
                latencies.length, percentile(latencies, 0.50) / 1e3, percentile(latencies, 0.99) / 1e3);
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private record Counts(long processed, long late, long queued) {
    }

    private Counts metrics() throws IOException, InterruptedException {
        var text = send(HttpRequest.newBuilder(URI.create(url + "metrics"))).body();
        return new Counts(metric(text, "vigil_events_processed_total"), metric(text, "vigil_events_late_total"),
                metric(text, "vigil_queue_depth"));
    }

    private static long metric(String text, String name) {
        var m = Pattern.compile("(?m)^" + name + "\\{ruleset=\"bench\"} ([\\d.E+]+)$").matcher(text);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    /** Waits until the rule set has processed what it accepted, so that one run does not bleed into the next. */
    private void drain() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (metrics().queued > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the rule set did not drain its queue in 2 minutes");
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The engine alone: a replay of {@code events} transactions like wrk's through W1, with the server's settings. */
    private double replay(int events) {
        var compiled = new RuleSetCompiler().compile(RuleSetSource.of("bench", Map.of("bench.drl", Workload.W1))
                .withSettings(RuleSetSettings.DEFAULTS.withAllowedLateness(Duration.ofSeconds(1))));
        var result = Replay.run(compiled, Workload.transactions(json, EVENT_TIME_START, events, 10_000, 2, null), null,
                InstantSource.system(), alert -> { });
        return result.stats().eventsPerSecond();
    }

    private static void report(double[] health, List<Load> single, List<Load> ndjson, double[] engine) {
        double engineRate = Workload.median(engine);
        System.out.println();
        System.out.printf(Locale.ROOT, "| measure | median | rounds |%n|---|---:|---|%n");
        row("`/api/v1/health`, 16 connections: requests/s", health);
        row("single events, 16 connections: requests/s", single, Load::requestsPerSecond);
        row("single events: events processed by the rules/s", single, Load::processedPerSecond);
        row("single events: event-to-alert p50 (ms)", single, Load::p50Millis);
        row("single events: event-to-alert p99 (ms)", single, Load::p99Millis);
        row("NDJSON, batches of 1,000, 2 connections: events accepted/s", ndjson, Load::acceptedEventsPerSecond);
        row("NDJSON: events processed by the rules/s", ndjson, Load::processedPerSecond);
        row("NDJSON: event-to-alert p50 (ms)", ndjson, Load::p50Millis);
        row("NDJSON: event-to-alert p99 (ms)", ndjson, Load::p99Millis);
        row("engine alone (replay of 500,000 such events): events/s", engine);
        double ndjsonRate = Workload.median(ndjson.stream().mapToDouble(Load::processedPerSecond).toArray());
        System.out.printf(Locale.ROOT, "| NDJSON processed / engine alone | %.2f | |%n", ndjsonRate / engineRate);
        System.out.printf(Locale.ROOT, "%nalerts timed: single %s; NDJSON %s; late events: single %s; NDJSON %s%n",
                single.stream().map(l -> Integer.toString(l.alerts())).toList(), ndjson.stream().map(l -> Integer.toString(l.alerts())).toList(),
                single.stream().map(l -> Long.toString(l.late())).toList(), ndjson.stream().map(l -> Long.toString(l.late())).toList());
    }

    private static void row(String label, List<Load> loads, java.util.function.ToDoubleFunction<Load> measure) {
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
