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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * W1's events from a topic to alerts: the Esper benchmark's NDJSON file (transactions 2 ms apart
 * on 10,000 accounts, seed 42) produced to topics of four partitions keyed by account and consumed
 * by one {@code vigil serve} and by two in one group; and, in the same rounds, posted as NDJSON
 * batches of 1,000 on one connection to a third {@code vigil serve} without Kafka.
 *
 * <p>Every run deploys W1 afresh under a name of its own, so a new consumer group: on Kafka
 * partitioned by {@code accountId} with a topic as its source (one session per Kafka partition);
 * over HTTP partitioned by {@code accountId} into four sessions. The Kafka runs come in two kinds:
 *
 * <ul>
 *   <li><em>backlog</em>: the whole file is in the topic before the rule set is deployed; timed from
 *       the deploy request until the group's committed offsets reach the end of the topic (sampled
 *       every 100 ms), and from its first commit to that end;
 *   <li><em>settled</em>: the rule set is deployed on a new, empty topic, and once its group has
 *       given out every partition (to each instance some) the file is produced; timed from the first
 *       record sent until the committed offsets reach the end.
 * </ul>
 *
 * <p>An HTTP run is timed from the first batch posted until the rule set has processed every event.
 * The runs of a round go in a rotating order; round 0 warms the JVMs up (one run on each server
 * or pair) and is reported on its own.
 * No lateness (the file and each partition are in event-time order) and an idle timeout of 10
 * minutes: with the default 1 s, a stall of a session (a collection, a rebalance, the machine's
 * other work) moved its watermark on by the stall and made the next events late, and the alerts of
 * two runs differed by a few dozen; and after the last event no clock moves on with wall time to
 * fire more. Every run's alerts are compared, by key and evidence (ids carry the rule set's name),
 * with the first HTTP run's; those produced to the alerts topic, read {@code read_committed}, must
 * each be there once.
 */
final class KafkaThroughput {
    private static final int PARTITIONS = 4;
    private static final int BATCH = 1_000;
    private static final String BACKLOG = "w1";
    private static final String[] KINDS = {"http", "one", "two", "one-settled", "two-settled"};
    /** Round 0 warms up each server's JVM: the HTTP server, instance A alone, and A with B. */
    private static final Set<String> WARM_UP = Set.of("http", "one", "two-settled");

    private final ObjectMapper json = new ObjectMapper();
    private final KafkaCluster kafka;
    private final Path work;
    private final int events;
    private final int rounds;
    private final List<String> options;
    private List<String> lines;

    /**
     * What one run did.
     *
     * @param seconds      the time the kind's timing measures
     * @param steadySeconds from the first commit to all committed (backlog runs), else {@code seconds}
     * @param startSeconds from the deploy to the first commit (backlog runs), else 0
     * @param restarts     how many times the instances' consumers started over, from their logs
     */
    record Run(String kind, int round, double seconds, double steadySeconds, long steadyEvents, double startSeconds, int alerts,
               Set<String> causes, int distinctIds, long restarts) {
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
        kafka.createTopic(BACKLOG, PARTITIONS);
        double produced = events / produce(BACKLOG);
        System.out.printf(Locale.ROOT, "%,d W1 events produced to %s (%d partitions, keyed by accountId) at %,.0f events/s%n",
                events, BACKLOG, PARTITIONS, produced);
        var batches = batches();
        var runs = new ArrayList<Run>();
        try (var http = ServerProcess.start(Files.createDirectories(work.resolve("http")), serveOptions(List.of()));
             var a = ServerProcess.start(Files.createDirectories(work.resolve("a")), serveOptions(options));
             var b = ServerProcess.start(Files.createDirectories(work.resolve("b")), serveOptions(options))) {
            for (int r = 0; r <= rounds; r++) {
                for (int k = 0; k < KINDS.length; k++) {
                    var kind = KINDS[(r + k) % KINDS.length];
                    if (r == 0 && !WARM_UP.contains(kind)) {
                        continue;
                    }
                    var run = switch (kind) {
                        case "http" -> http(http, batches, r);
                        case "one" -> backlog(List.of(a), kind, r);
                        case "two" -> backlog(List.of(a, b), kind, r);
                        case "one-settled" -> settled(List.of(a), kind, r);
                        default -> settled(List.of(a, b), kind, r);
                    };
                    System.out.printf(Locale.ROOT, "  round %d %-11s %5.1f s %,7.0f events/s (from the first commit %,7.0f/s, %.1f s to it);"
                                    + " alerts %,d, %,d compared, %,d ids; consumer restarts %d%n", r, kind, run.seconds(),
                            events / run.seconds(), run.steadyEvents() / run.steadySeconds(), run.startSeconds(), run.alerts(),
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

    /** Produces the file to {@code topic}, each event keyed by its account; answers the seconds it took until all were acknowledged. */
    private double produce(String topic) throws ExecutionException, InterruptedException {
        long started = System.nanoTime();
        try (var producer = kafka.producer()) {
            for (var line : lines) {
                var account = line.substring(line.indexOf("\"accountId\":\"") + 13);
                producer.send(new ProducerRecord<>(topic, account.substring(0, account.indexOf('"')), line));
            }
            producer.flush();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long end = kafka.end(topic, PARTITIONS);
        if (end != events) {
            throw new IllegalStateException("topic " + topic + " holds " + end + " records, not " + events);
        }
        return seconds;
    }

    private List<byte[]> batches() {
        var out = new ArrayList<byte[]>();
        for (int i = 0; i < lines.size(); i += BATCH) {
            out.add(String.join("\n", lines.subList(i, Math.min(lines.size(), i + BATCH))).getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /** W1 deployed as {@code name}, partitioned by account, with {@code topic} as its source or, when null, into {@link #PARTITIONS} sessions. */
    private static void deploy(ServerProcess server, String name, String topic) throws IOException, InterruptedException {
        var body = new ObjectMapper().createObjectNode();
        body.putObject("files").put("w1.drl", Workload.W1);
        var settings = body.putObject("settings").put("lateness", "0s").put("idleTimeout", "10m").put("partitionBy", "accountId");
        if (topic != null) {
            settings.putObject("source").putObject("kafka").put("topic", topic);
        } else {
            settings.put("partitions", PARTITIONS);
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
        deploy(server, name, null);
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
        return new Run("http", round, seconds, seconds, events, 0, alerts.size(), causes(alerts), ids(alerts), 0);
    }

    /**
     * The alerts the server stored for {@code name}, once it has stored all it raised: none waits in
     * its alert queue and the count of those raised stayed the same for 300 ms.
     */
    private List<JsonNode> storedAlerts(ServerProcess server, String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        double last = -1;
        while (System.nanoTime() < deadline) {
            var scrape = server.scrape();
            double raised = scrape.sum("vigil_alerts_total", "ruleset", name);
            if (raised == last && scrape.sum("vigil_alerts_queued", "ruleset", name) == 0) {
                break;
            }
            last = raised;
            TimeUnit.MILLISECONDS.sleep(300);
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

    /** W1 deployed on {@code servers} onto the full topic, timed until the group has committed all of it. */
    private Run backlog(List<ServerProcess> servers, String kind, int round) throws Exception {
        var name = kind + round;
        var alertsFrom = kafka.endOffsets(KafkaCluster.ALERTS, 1);
        long started = System.nanoTime();
        inParallel(servers, s -> deploy(s, name, BACKLOG));
        var progress = awaitCommitted("vigil." + name, BACKLOG);
        long ended = System.nanoTime();
        long first = progress.firstNanos() < 0 ? ended : progress.firstNanos();
        return finish(servers, kind, round, name, alertsFrom, (ended - started) / 1e9, (ended - first) / 1e9, events - progress.firstCommitted(),
                (first - started) / 1e9);
    }

    /** W1 deployed on {@code servers} onto an empty topic; once the group has settled, the file is produced to it, timed until all is committed. */
    private Run settled(List<ServerProcess> servers, String kind, int round) throws Exception {
        var name = kind.replace("-", "") + round;
        var topic = "w1-" + name;
        kafka.createTopic(topic, PARTITIONS);
        var alertsFrom = kafka.endOffsets(KafkaCluster.ALERTS, 1);
        inParallel(servers, s -> deploy(s, name, topic));
        awaitAssigned(servers, name);
        long started = System.nanoTime();
        double producing = produce(topic);
        awaitCommitted("vigil." + name, topic);
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf(Locale.ROOT, "    (the file took %.1f s to produce)%n", producing);
        return finish(servers, kind, round, name, alertsFrom, seconds, seconds, events, 0);
    }

    private Run finish(List<ServerProcess> servers, String kind, int round, String name, Map<TopicPartition, Long> alertsFrom,
                       double seconds, double steadySeconds, long steadyEvents, double startSeconds) throws Exception {
        var alerts = kafka.alerts(name, alertsFrom);
        // Both at once: undeployed one after the other, the second would take the first's partitions over first.
        inParallel(servers, s -> undeploy(s, name));
        long restarts = 0;
        for (var server : servers) {
            restarts += KafkaCluster.restarts(server, name);
        }
        TimeUnit.SECONDS.sleep(1);
        return new Run(kind, round, seconds, steadySeconds, steadyEvents, startSeconds, alerts.size(), causes(alerts), ids(alerts), restarts);
    }

    /** When the group first committed, and how much; -1 when it committed everything at its first look. */
    private record Progress(long firstNanos, long firstCommitted) {
    }

    /** Samples {@code group}'s committed offsets every 100 ms until they cover all the events, for at most 10 minutes. */
    private Progress awaitCommitted(String group, String topic) throws Exception {
        long first = -1;
        long firstCommitted = 0;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        long committed;
        while ((committed = kafka.committed(group, topic)) < events) {
            if (first < 0 && committed > 0) {
                first = System.nanoTime();
                firstCommitted = committed;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(group + " committed " + committed + " of " + events + " records in 10 minutes");
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return new Progress(first, firstCommitted);
    }

    /** Waits until the instances run every partition of {@code ruleSet}'s topic between them, each at least one. */
    private static void awaitAssigned(List<ServerProcess> servers, String ruleSet) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (true) {
            int total = 0;
            boolean each = true;
            for (var server : servers) {
                long running = SteadyTopic.partitions(server, ruleSet).stream().filter(p -> p.state().equals("running")).count();
                total += running;
                each &= running > 0;
            }
            if (each && total == PARTITIONS) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the group of " + ruleSet + " did not settle in 2 minutes");
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
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

    /** What raised each alert, without the rule set's name: its key and its evidence. */
    private static Set<String> causes(List<JsonNode> alerts) {
        var out = new HashSet<String>();
        for (var alert : alerts) {
            var evidence = new ArrayList<String>();
            alert.path("evidence").forEach(e -> evidence.add(e.asText()));
            out.add(alert.path("key").asText() + " " + evidence);
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
        ToDoubleFunction<Run> rate = r -> events / r.seconds();
        ToDoubleFunction<Run> steady = r -> r.steadyEvents() / r.steadySeconds();
        row("HTTP NDJSON, batches of 1,000, 1 connection, P = 4: first post to all processed", measured, runs, "http", rate);
        row("Kafka, one instance, backlog: deploy to all committed", measured, runs, "one", rate);
        row("Kafka, one instance, backlog: first commit to all committed", measured, runs, "one", steady);
        row("Kafka, two instances, backlog: deploy to all committed", measured, runs, "two", rate);
        row("Kafka, one instance, settled group: first record produced to all committed", measured, runs, "one-settled", rate);
        row("Kafka, two instances, settled group: first record produced to all committed", measured, runs, "two-settled", rate);
        row("Kafka, one instance, backlog: deploy to first commit (s)", measured, runs, "one", Run::startSeconds);
        row("Kafka, two instances, backlog: consumer restarts", measured, runs, "two", Run::restarts);
        row("Kafka, two instances, settled group: consumer restarts", measured, runs, "two-settled", Run::restarts);
        double http = median(measured, "http", rate);
        System.out.printf(Locale.ROOT, "%nratios of medians: one instance / HTTP: backlog %.2f, from its first commit %.2f, settled %.2f;"
                        + " two / one: backlog %.2f, settled %.2f; the backlog was produced at %,.0f events/s%n",
                median(measured, "one", rate) / http, median(measured, "one", steady) / http, median(measured, "one-settled", rate) / http,
                median(measured, "two", rate) / median(measured, "one", rate),
                median(measured, "two-settled", rate) / median(measured, "one-settled", rate), produced);
        var reference = runs.stream().filter(r -> r.kind().equals("http")).findFirst().orElseThrow();
        System.out.printf(Locale.ROOT, "%nalerts, compared by key and evidence with round %d's HTTP run (%,d):%n",
                reference.round(), reference.causes().size());
        for (var run : runs) {
            var missing = new HashSet<>(reference.causes());
            missing.removeAll(run.causes());
            var extra = new HashSet<>(run.causes());
            extra.removeAll(reference.causes());
            System.out.printf(Locale.ROOT, "  round %d %-11s: %,d alerts in all, %,d distinct ids; %,d compared: %s%n", run.round(), run.kind(),
                    run.alerts(), run.distinctIds(), run.causes().size(),
                    missing.isEmpty() && extra.isEmpty() ? "the same" : missing.size() + " missing, " + extra.size() + " more, e.g. "
                            + missing.stream().limit(2).toList() + " " + extra.stream().limit(2).toList());
        }
    }

    private static void row(String label, List<Run> measured, List<Run> all, String kind, ToDoubleFunction<Run> value) {
        var values = measured.stream().filter(r -> r.kind().equals(kind)).mapToDouble(value).toArray();
        double cold = all.stream().filter(r -> r.round() == 0 && r.kind().equals(kind)).mapToDouble(value).findFirst().orElse(Double.NaN);
        boolean small = Workload.median(values) < 100;
        var format = small ? "%.1f" : "%,.0f";
        var each = new ArrayList<String>();
        for (var v : values) {
            each.add(String.format(Locale.ROOT, format, v));
        }
        System.out.printf(Locale.ROOT, "| %s | %s | %s | %s |%n", label, String.format(Locale.ROOT, format, Workload.median(values)),
                String.join(", ", each), Double.isNaN(cold) ? "-" : String.format(Locale.ROOT, format, cold));
    }

    private static double median(List<Run> runs, String kind, ToDoubleFunction<Run> value) {
        return Workload.median(runs.stream().filter(r -> r.kind().equals(kind)).mapToDouble(value).toArray());
    }
}
