package dev.vigil.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * W1's events from a topic to alerts: the same NDJSON file as the Esper benchmark's (transactions
 * 2 ms apart on 10,000 accounts, seed 42) produced, whole, to a topic of four partitions keyed by
 * account, then consumed by one {@code vigil serve} and by two in one group; and, in the same
 * rounds, posted as NDJSON batches of 1,000 to a third {@code vigil serve} without Kafka.
 *
 * <p>Every run deploys W1 afresh under a name of its own (so a new consumer group, which starts at
 * the topic's beginning): on Kafka partitioned by {@code accountId} with the topic as its source,
 * one session per Kafka partition; over HTTP partitioned by {@code accountId} into four, as many
 * sessions. No lateness: the file and each partition are in event-time order. A Kafka run is timed
 * from the deploy request until the group's committed offsets reach the end of the topic (sampled
 * every 100 ms); its steady rate is from the first commit to that end. An HTTP run is timed from
 * the first batch posted until the rule set has processed every event. The runs of a round go in
 * a rotating order; round 0 warms the JVMs up and is reported on its own.
 *
 * <p>The alerts are checked against each other: those a run raised up to two seconds of event time
 * before the last event (later ones fire as the idle watermark moves the clock on, at a pace of
 * wall time) must be the same in every run, compared by key and evidence (ids carry the rule set's
 * name), and those produced to the alerts topic, read {@code read_committed}, must each be there once.
 */
final class KafkaThroughput {
    private static final long T0 = Instant.parse("2026-11-20T00:00:00Z").toEpochMilli();
    private static final int PARTITIONS = 4;
    private static final int BATCH = 1_000;
    private static final String TOPIC = "w1";
    private static final long CUTOFF_MILLIS = 2_000;

    private final ObjectMapper json = new ObjectMapper();
    private final KafkaCluster kafka;
    private final Path work;
    private final int events;
    private final int rounds;
    private final List<String> options;
    private List<String> lines;
    private long cutoff;

    /** What one run did. */
    record Run(String kind, int round, double seconds, double steadyPerSecond, double startSeconds, int alerts, Set<String> causes,
               int distinctIds, long restarts) {
        double perSecond(int events) {
            return events / seconds;
        }
    }

    KafkaThroughput(KafkaCluster kafka, Path work, int events, int rounds, List<String> kafkaOptions) {
        this.kafka = kafka;
        this.work = work;
        this.events = events;
        this.rounds = rounds;
        this.options = kafkaOptions;
    }

    void run() throws Exception {
        var file = EsperBenchmark.write(json, work.resolve("w1-" + events + ".ndjson"), events);
        lines = Files.readAllLines(file);
        cutoff = T0 + (events - 1) * 2L - CUTOFF_MILLIS;
        kafka.createTopic(TOPIC, PARTITIONS);
        double produced = produce();
        System.out.printf(Locale.ROOT, "throughput: %,d W1 events produced to %s (%d partitions, keyed by accountId) at %,.0f events/s%n",
                events, TOPIC, PARTITIONS, produced);
        var batches = batches();
        var runs = new ArrayList<Run>();
        try (var http = ServerProcess.start(Files.createDirectories(work.resolve("http")), serveOptions(List.of()));
             var a = ServerProcess.start(Files.createDirectories(work.resolve("a")), serveOptions(options));
             var b = ServerProcess.start(Files.createDirectories(work.resolve("b")), serveOptions(options))) {
            for (int r = 0; r <= rounds; r++) {
                for (int k = 0; k < 3; k++) {
                    var run = switch ((r + k) % 3) {
                        case 0 -> http(http, batches, r);
                        case 1 -> kafka(List.of(a), "one", r);
                        default -> kafka(List.of(a, b), "two", r);
                    };
                    System.out.printf(Locale.ROOT, "  round %d %-4s %6.1f s  %,8.0f events/s  steady %,8.0f/s  start %.1f s  alerts %,d (%,d compared, %,d ids)  consumer restarts %d%n",
                            r, run.kind(), run.seconds(), run.perSecond(events), run.steadyPerSecond(), run.startSeconds(), run.alerts(),
                            run.causes().size(), run.distinctIds(), run.restarts());
                    runs.add(run);
                }
            }
        }
        report(runs, produced);
    }

    private String[] serveOptions(List<String> extra) {
        var all = new ArrayList<>(List.of("--rules", "none", "--max-alerts-per-second", "1000000"));
        all.addAll(extra);
        return all.toArray(String[]::new);
    }

    /** Produces the file to the topic, each event keyed by its account; answers events/s. */
    private double produce() throws ExecutionException, InterruptedException {
        long started = System.nanoTime();
        try (var producer = kafka.producer()) {
            for (var line : lines) {
                var account = line.substring(line.indexOf("\"accountId\":\"") + 13);
                producer.send(new ProducerRecord<>(TOPIC, account.substring(0, account.indexOf('"')), line));
            }
            producer.flush();
        }
        long end = kafka.end(TOPIC, PARTITIONS);
        if (end != events) {
            throw new IllegalStateException("the topic holds " + end + " records, not " + events);
        }
        return events / ((System.nanoTime() - started) / 1e9);
    }

    private List<byte[]> batches() {
        var out = new ArrayList<byte[]>();
        for (int i = 0; i < lines.size(); i += BATCH) {
            out.add(String.join("\n", lines.subList(i, Math.min(lines.size(), i + BATCH))).getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /** W1 deployed as {@code name}, partitioned by account, with {@code source} (a topic) or into {@code partitions} sessions. */
    private static void deploy(ServerProcess server, String name, String source, int partitions) throws IOException, InterruptedException {
        var body = new ObjectMapper().createObjectNode();
        body.putObject("files").put("w1.drl", Workload.W1);
        var settings = body.putObject("settings").put("lateness", "0s").put("partitionBy", "accountId");
        if (source != null) {
            settings.putObject("source").putObject("kafka").put("topic", source);
        } else {
            settings.put("partitions", partitions);
        }
        var response = server.send(server.request("api/v1/rulesets/" + name).PUT(HttpRequest.BodyPublishers.ofString(body.toString()))
                .header("Content-Type", "application/json"));
        if (response.statusCode() != 200 && response.statusCode() != 201) {
            throw new IllegalStateException("deploying " + name + " failed: " + response.statusCode() + " " + response.body());
        }
    }

    private static void undeploy(ServerProcess server, String name) throws IOException, InterruptedException {
        server.send(server.request("api/v1/rulesets/" + name).DELETE());
    }

    /** The events posted as NDJSON batches on one connection, a batch told 429 sent again 20 ms later. */
    private Run http(ServerProcess server, List<byte[]> batches, int round) throws Exception {
        var name = "http" + round;
        deploy(server, name, null, PARTITIONS);
        long started = System.nanoTime();
        for (var batch : batches) {
            while (true) {
                var response = server.send(server.request("api/v1/events?ruleset=" + name).POST(HttpRequest.BodyPublishers.ofByteArray(batch))
                        .header("Content-Type", "application/x-ndjson"));
                if (response.statusCode() == 202) {
                    break;
                }
                if (response.statusCode() != 429) {
                    throw new IllegalStateException("posting to " + name + ": " + response.statusCode() + " " + response.body());
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
        }
        while (server.scrape().sum("vigil_events_processed_total", "ruleset", name) < events) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        var alerts = storedAlerts(server, name);
        undeploy(server, name);
        return new Run("http", round, seconds, events / seconds, 0, alerts.size(), causes(alerts), ids(alerts), 0);
    }

    /** The alerts the server stored for {@code name}, once it has stored all it raised. */
    private List<JsonNode> storedAlerts(ServerProcess server, String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            var scrape = server.scrape();
            if (scrape.sum("vigil_alerts_delay_seconds_count") >= scrape.sum("vigil_alerts_total")) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        var out = new ArrayList<JsonNode>();
        String cursor = null;
        do {
            var path = "api/v1/alerts?limit=1000&ruleset=" + name + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            var page = json.readTree(server.send(server.request(path).GET()).body());
            page.path("alerts").forEach(out::add);
            cursor = page.path("next").isTextual() ? page.path("next").asText() : null;
        } while (cursor != null);
        return out;
    }

    /** W1 consuming the topic on {@code servers} in one group, timed until the group has committed the whole topic. */
    private Run kafka(List<ServerProcess> servers, String kind, int round) throws Exception {
        var name = kind + round;
        var group = "vigil." + name;
        var alertsFrom = kafka.endOffsets(KafkaCluster.ALERTS, 1);
        long started = System.nanoTime();
        inParallel(servers, s -> deploy(s, name, TOPIC, 0));
        long first = -1;
        long firstCommitted = 0;
        long deadline = started + TimeUnit.MINUTES.toNanos(10);
        long committed;
        while ((committed = kafka.committed(group, TOPIC)) < events) {
            if (first < 0 && committed > 0) {
                first = System.nanoTime();
                firstCommitted = committed;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(group + " committed " + committed + " of " + events + " records in 10 minutes");
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        long ended = System.nanoTime();
        if (first < 0) {
            first = ended;
        }
        var alerts = kafka.alerts(name, alertsFrom);
        // Both at once: undeployed one after the other, the second would take the first's partitions over first.
        inParallel(servers, s -> undeploy(s, name));
        TimeUnit.SECONDS.sleep(2);
        double steady = first < ended ? (events - firstCommitted) / ((ended - first) / 1e9) : Double.NaN;
        long restarts = 0;
        for (var server : servers) {
            restarts += KafkaCluster.restarts(server, name);
        }
        return new Run(kind, round, (ended - started) / 1e9, steady, (first - started) / 1e9, alerts.size(), causes(alerts), ids(alerts),
                restarts);
    }

    /** A request to a server. */
    private interface Call {
        void on(ServerProcess server) throws IOException, InterruptedException;
    }

    /** {@code call} on each of {@code servers} at once; returns when all have answered. */
    private static void inParallel(List<ServerProcess> servers, Call call) {
        servers.stream().map(s -> CompletableFuture.runAsync(() -> {
            try {
                call.on(s);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        })).toList().forEach(CompletableFuture::join);
    }

    /** What raised each alert up to the cut-off, without the rule set's name: its key and its evidence. */
    private Set<String> causes(List<JsonNode> alerts) {
        var out = new HashSet<String>();
        for (var alert : alerts) {
            if (Instant.parse(alert.path("eventTime").asText()).toEpochMilli() <= cutoff) {
                var evidence = new ArrayList<String>();
                alert.path("evidence").forEach(e -> evidence.add(e.asText()));
                out.add(alert.path("key").asText() + " " + evidence);
            }
        }
        return out;
    }

    private static int ids(List<JsonNode> alerts) {
        var ids = new HashSet<String>();
        alerts.forEach(a -> ids.add(a.path("id").asText()));
        return ids.size();
    }

    private void report(List<Run> runs, double produced) {
        var measured = runs.stream().filter(r -> r.round() > 0).toList();
        System.out.printf(Locale.ROOT, "%n### Throughput: %,d W1 events, %d partitions, median of %d rounds (round 0, cold, apart)%n%n", events,
                PARTITIONS, rounds);
        System.out.println("| run | events/s | rounds | round 0 |");
        System.out.println("|---|---:|---|---:|");
        row("HTTP NDJSON, batches of 1,000, P = 4: first post to all processed", measured, runs, "http", r -> r.perSecond(events));
        row("Kafka, one instance: deploy to all committed", measured, runs, "one", r -> r.perSecond(events));
        row("Kafka, one instance: first commit to all committed", measured, runs, "one", Run::steadyPerSecond);
        row("Kafka, two instances: deploy to all committed", measured, runs, "two", r -> r.perSecond(events));
        row("Kafka, two instances: first commit to all committed", measured, runs, "two", Run::steadyPerSecond);
        System.out.println();
        System.out.println("| run | seconds | rounds | round 0 |");
        System.out.println("|---|---:|---|---:|");
        row("HTTP: first post to all processed (s)", measured, runs, "http", Run::seconds);
        row("Kafka, one instance: deploy to all committed (s)", measured, runs, "one", Run::seconds);
        row("Kafka, one instance: deploy to first commit (s)", measured, runs, "one", Run::startSeconds);
        row("Kafka, two instances: deploy to all committed (s)", measured, runs, "two", Run::seconds);
        row("Kafka, two instances: deploy to first commit (s)", measured, runs, "two", Run::startSeconds);
        double httpRate = median(measured, "http", r -> r.perSecond(events));
        System.out.printf(Locale.ROOT, "%nratios of medians: one instance / HTTP %.2f (steady %.2f); two / one %.2f (steady %.2f); producing the topic: %,.0f events/s%n",
                median(measured, "one", r -> r.perSecond(events)) / httpRate, median(measured, "one", Run::steadyPerSecond) / httpRate,
                median(measured, "two", r -> r.perSecond(events)) / median(measured, "one", r -> r.perSecond(events)),
                median(measured, "two", Run::steadyPerSecond) / median(measured, "one", Run::steadyPerSecond), produced);
        var reference = runs.get(0).kind().equals("http") ? runs.get(0) : runs.stream().filter(r -> r.kind().equals("http")).findFirst().orElseThrow();
        System.out.printf(Locale.ROOT, "%nalerts up to 2 s of event time before the last event (compared by key and evidence with round %d's HTTP run, %,d):%n",
                reference.round(), reference.causes().size());
        for (var run : runs) {
            var missing = new HashSet<>(reference.causes());
            missing.removeAll(run.causes());
            var extra = new HashSet<>(run.causes());
            extra.removeAll(reference.causes());
            System.out.printf(Locale.ROOT, "  round %d %-4s: %,d alerts in all, %,d distinct ids, %,d compared: %s; consumer restarts %d%n",
                    run.round(), run.kind(), run.alerts(), run.distinctIds(), run.causes().size(),
                    missing.isEmpty() && extra.isEmpty() ? "the same" : missing.size() + " missing, " + extra.size() + " more, e.g. "
                            + missing.stream().limit(2).toList() + " " + extra.stream().limit(2).toList(), run.restarts());
        }
    }

    private static void row(String label, List<Run> measured, List<Run> all, String kind, ToDoubleFunction<Run> value) {
        var values = measured.stream().filter(r -> r.kind().equals(kind)).mapToDouble(value).toArray();
        double cold = all.stream().filter(r -> r.round() == 0 && r.kind().equals(kind)).mapToDouble(value).findFirst().orElse(Double.NaN);
        boolean small = Workload.median(values) < 100;
        var each = new ArrayList<String>();
        for (var v : values) {
            each.add(String.format(Locale.ROOT, small ? "%.1f" : "%,.0f", v));
        }
        System.out.printf(Locale.ROOT, small ? "| %s | %.1f | %s | %.1f |%n" : "| %s | %,.0f | %s | %,.0f |%n", label, Workload.median(values),
                String.join(", ", each), cold);
    }

    private static double median(List<Run> runs, String kind, ToDoubleFunction<Run> value) {
        return Workload.median(runs.stream().filter(r -> r.kind().equals(kind)).mapToDouble(value).toArray());
    }
}
