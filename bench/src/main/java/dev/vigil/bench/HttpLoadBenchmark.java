package dev.vigil.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.engine.replay.Replay;
import dev.vigil.engine.ruleset.RuleSetCompiler;
import dev.vigil.engine.ruleset.RuleSetSource;
import dev.vigil.server.ServerConfig;
import dev.vigil.server.VigilServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives a Vigil server on this machine over HTTP with the engine benchmark's rule ("more than 5
 * transactions per account in 60 s") and reports, from one run: NDJSON ingestion in batches of
 * 1,000 events, single-event requests with keep-alive, the latency from posting the event that
 * completes a burst to receiving its alert on the server-sent event stream, and the engine alone
 * replaying the same events, so that the HTTP overhead shows.
 *
 * <p>Arguments (all optional): events for the NDJSON run, requests for the single-event run,
 * concurrent clients for the single-event run, and {@code no-journal} to run without the journal.
 */
public final class HttpLoadBenchmark {
    private static final String TOKEN = "bench-token";
    private static final long T0 = Instant.parse("2026-11-20T00:00:00Z").toEpochMilli();
    private static final String DRL = Workload.W1;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private final ArrayList<Long> latencies = new ArrayList<>();
    private VigilServer server;

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        boolean journal = args.length <= 3 || !args[3].equals("no-journal");
        new HttpLoadBenchmark().run(events, requests, clients, journal);
    }

    private void run(int events, int requests, int clients, boolean journal) throws Exception {
        var data = Files.createTempDirectory("vigil-bench");
        var config = ServerConfig.defaults(data).withPort(0).withAdminToken(TOKEN).withMaxBodyBytes(64L << 20);
        server = VigilServer.start(journal ? config : config.withJournal(Duration.ZERO));
        try {
            System.out.printf("JVM %s, %d cores; server on port %d, journal %s%n%n", System.getProperty("java.version"),
                    Runtime.getRuntime().availableProcessors(), server.port(), journal ? "on" : "off");
            deploy("ndjson", "lateness", "0s");
            double ndjson = ndjson(events, 2);
            deploy("single", "lateness", "1s");
            streamAlerts();
            double single = single(requests, clients);
            double engine = engineOnly(events);
            var sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.println("| measure | value |");
            System.out.println("|---|---:|");
            System.out.printf("| NDJSON, batches of 1,000, 2 clients: events/s end to end | %,.0f |%n", ndjson);
            System.out.printf("| engine alone (replay of the same events): events/s | %,.0f |%n", engine);
            System.out.printf("| NDJSON / engine alone | %.2f |%n", ndjson / engine);
            System.out.printf("| single-event requests, %d clients with keep-alive: requests/s | %,.0f |%n", clients, single);
            System.out.printf("| event-to-alert latency p50 / p99 (ms), %d alerts | %.1f / %.1f |%n", sorted.length,
                    percentile(sorted, 0.50) / 1e6, percentile(sorted, 0.99) / 1e6);
        } finally {
            server.close();
        }
    }

    private void deploy(String name, String key, String value) throws Exception {
        var body = json.writeValueAsString(Map.of("files", Map.of("bench.drl", DRL), "settings", Map.of(key, value)));
        var response = send(HttpRequest.newBuilder(uri("/api/v1/rulesets/" + name)).PUT(HttpRequest.BodyPublishers.ofString(body)));
        if (response.statusCode() != 200) {
            throw new IllegalStateException(response.body());
        }
    }

    private static String event(int i, String account) {
        return "{\"type\":\"Transaction\",\"id\":\"t" + i + "\",\"time\":" + (T0 + 2L * i) + ",\"accountId\":\"" + account
                + "\",\"amount\":" + (i % 1000) + ".5}";
    }

    /** Posts {@code events} as NDJSON batches of 1,000 from {@code clients} threads; events/s until all are processed. */
    private double ndjson(int events, int clients) throws Exception {
        var random = new SplittableRandom(42);
        var batches = new ArrayList<String>();
        for (int start = 0; start < events; start += 1_000) {
            var batch = new StringBuilder();
            for (int i = start; i < Math.min(events, start + 1_000); i++) {
                batch.append(event(i, "acc-" + random.nextInt(10_000))).append('\n');
            }
            batches.add(batch.toString());
        }
        var next = new AtomicInteger();
        long started = System.nanoTime();
        // Batches in time order from one client keep the watermark honest; two clients overlap the requests.
        var pool = Executors.newFixedThreadPool(clients);
        var lock = new Object();
        for (int c = 0; c < clients; c++) {
            pool.submit(() -> {
                while (true) {
                    String batch;
                    synchronized (lock) {
                        int n = next.getAndIncrement();
                        if (n >= batches.size()) {
                            return null;
                        }
                        batch = batches.get(n);
                    }
                    postUntilAccepted(batch, "application/x-ndjson", "ndjson");
                }
            });
        }
        shutdown(pool);
        waitProcessed("ndjson", events);
        return events / ((System.nanoTime() - started) / 1e9);
    }

    /** Posts {@code requests} single events from {@code clients} threads; requests/s. */
    private double single(int requests, int clients) throws Exception {
        var next = new AtomicInteger();
        var pool = Executors.newFixedThreadPool(clients);
        long started = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                    var id = "t" + i;
                    sentAt.put(id, System.nanoTime());
                    postUntilAccepted(event(i, "acc-" + (i % 2_000)), "application/json", "single");
                }
                return null;
            });
        }
        shutdown(pool);
        double rate = requests / ((System.nanoTime() - started) / 1e9);
        waitProcessed("single", requests);
        return rate;
    }

    private void postUntilAccepted(String body, String contentType, String ruleSet) throws Exception {
        while (true) {
            var response = send(HttpRequest.newBuilder(uri("/api/v1/events?ruleset=" + ruleSet))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", contentType));
            if (response.statusCode() == 202) {
                return;
            }
            if (response.statusCode() != 429) {
                throw new IllegalStateException(response.statusCode() + " " + response.body());
            }
            // The queue is full: back off a little, as a client honouring Retry-After would.
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    /** Latency samples: for each alert, the time since its newest evidence event was posted. */
    private void streamAlerts() {
        var request = HttpRequest.newBuilder(uri("/api/v1/alerts/stream?ruleset=single"))
                .header("Authorization", "Bearer " + TOKEN).header("Accept", "text/event-stream").build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenAccept(r -> r.body().forEach(line -> {
            if (line.startsWith("data:")) {
                long now = System.nanoTime();
                try {
                    var evidence = json.readTree(line.substring(5)).get("evidence");
                    var newest = evidence.get(evidence.size() - 1).asText();
                    var sent = sentAt.get(newest);
                    if (sent != null) {
                        synchronized (latencies) {
                            latencies.add(now - sent);
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }));
    }

    private double engineOnly(int events) {
        var random = new SplittableRandom(42);
        var nodes = new ArrayList<com.fasterxml.jackson.databind.JsonNode>(events);
        for (int i = 0; i < events; i++) {
            try {
                nodes.add(json.readTree(event(i, "acc-" + random.nextInt(10_000))));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        var compiled = new RuleSetCompiler().compile(RuleSetSource.of("engine", Map.of("bench.drl", DRL)));
        var count = new long[1];
        return Replay.run(compiled, nodes.iterator(), null, InstantSource.system(), a -> count[0]++).stats().eventsPerSecond();
    }

    private void waitProcessed(String ruleSet, long events) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < deadline) {
            var stats = json.readTree(send(HttpRequest.newBuilder(uri("/api/v1/rulesets/" + ruleSet)).GET()).body()).get("stats");
            if (stats.get("eventsProcessed").asLong() >= events) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        throw new IllegalStateException("rule set " + ruleSet + " did not process " + events + " events in 10 minutes");
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofMinutes(1)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private static void shutdown(ExecutorService pool) throws InterruptedException {
        pool.shutdown();
        if (!pool.awaitTermination(30, TimeUnit.MINUTES)) {
            throw new IllegalStateException("clients did not finish");
        }
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
