package dev.vigil.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Consumer lag during a failover: two {@code vigil serve} instances share a topic of four
 * partitions fed at a steady rate ({@link SteadyTopic}); a third of the way through the stream one
 * is killed with SIGKILL. Every 500 ms the total lag (the topic's end offsets minus the group's
 * committed offsets, from the admin client) is sampled, with the lag each instance reports in its
 * {@code /metrics} for the partitions it has and the survivor's partitions and their states; the
 * series goes to a CSV file. After the stream ends, sampling goes on until the group has committed
 * it all (at most 60 s more).
 */
final class KafkaFailover {
    private static final String TOPIC = "steady";
    private static final String RULE_SET = "failover";
    private static final int PARTITIONS = 4;
    private static final long SAMPLE_MILLIS = 500;
    /** Lag, in events, under which the survivor counts as caught up. */
    private static final long CAUGHT_UP = 1_000;

    private final KafkaCluster kafka;
    private final Path work;
    private final int rate;
    private final int seconds;
    private final List<String> options;
    private final Path csv;

    /** One sample; a lag of -1 is one an instance does not report (not running, or no partition known yet). */
    private record Sample(double seconds, long produced, long committed, long lagA, long lagB, int partitionsB, int rebuildingB) {
        long lag() {
            return produced - committed;
        }
    }

    KafkaFailover(KafkaCluster kafka, Path work, int rate, int seconds, List<String> kafkaOptions, Path csv) {
        this.kafka = kafka;
        this.work = work;
        this.rate = rate;
        this.seconds = seconds;
        this.options = kafkaOptions;
        this.csv = csv;
    }

    void run() throws Exception {
        kafka.createTopic(TOPIC, PARTITIONS);
        var alertsFrom = kafka.endOffsets(KafkaCluster.ALERTS, 1);
        var rules = SteadyTopic.rulesFolder(work, RULE_SET, TOPIC);
        var samples = new ArrayList<Sample>();
        double killAt = seconds / 3.0;
        double killedAt = Double.NaN;
        long produced;
        long restarts;
        try (var a = ServerProcess.start(Files.createDirectories(work.resolve("a")), serveOptions(rules));
             var b = ServerProcess.start(Files.createDirectories(work.resolve("b")), serveOptions(rules))) {
            awaitRunning(a, b);
            long start = System.nanoTime();
            try (var stream = SteadyTopic.start(kafka, TOPIC, rate)) {
                for (long n = 1; ; n++) {
                    long wait = start + n * TimeUnit.MILLISECONDS.toNanos(SAMPLE_MILLIS) - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    double t = (System.nanoTime() - start) / 1e9;
                    if (Double.isNaN(killedAt) && t >= killAt) {
                        a.kill();
                        killedAt = (System.nanoTime() - start) / 1e9;
                        System.out.printf(Locale.ROOT, "failover: killed instance a (pid %d) with SIGKILL at %.1f s%n", a.pid(), killedAt);
                    }
                    var sample = sample(t, a, b);
                    samples.add(sample);
                    if (t >= seconds) {
                        break;
                    }
                }
            }
            produced = kafka.end(TOPIC, PARTITIONS);
            long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (kafka.committed("vigil." + RULE_SET, TOPIC) < produced && System.nanoTime() < drainUntil) {
                TimeUnit.MILLISECONDS.sleep(SAMPLE_MILLIS);
                samples.add(sample((System.nanoTime() - start) / 1e9, a, b));
            }
            // The loop ends on a look at the offsets newer than its last sample.
            samples.add(sample((System.nanoTime() - start) / 1e9, a, b));
            restarts = KafkaCluster.restarts(b, RULE_SET);
        }
        write(samples, killedAt);
        report(samples, killedAt, produced, kafka.alerts(RULE_SET, alertsFrom), restarts);
    }

    private String[] serveOptions(Path rules) {
        var all = new ArrayList<>(List.of("--rules", rules.toString(), "--max-alerts-per-second", "1000000"));
        all.addAll(options);
        return all.toArray(String[]::new);
    }

    /** Waits until the two instances run all the partitions between them, each some. */
    private static void awaitRunning(ServerProcess a, ServerProcess b) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            long onA = running(a);
            long onB = running(b);
            if (onA > 0 && onB > 0 && onA + onB == PARTITIONS) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the instances did not share the partitions in 2 minutes: " + onA + " and " + onB);
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    private static long running(ServerProcess server) throws IOException, InterruptedException {
        return SteadyTopic.partitions(server, RULE_SET).stream().filter(p -> p.state().equals("running")).count();
    }

    private Sample sample(double t, ServerProcess a, ServerProcess b) throws Exception {
        long produced = kafka.end(TOPIC, PARTITIONS);
        long committed = kafka.committed("vigil." + RULE_SET, TOPIC);
        long lagA = a.isAlive() ? lag(a) : -1;
        long lagB = lag(b);
        var partitions = SteadyTopic.partitions(b, RULE_SET);
        int rebuilding = (int) partitions.stream().filter(p -> p.state().equals("rebuilding")).count();
        return new Sample(t, produced, committed, lagA, lagB, partitions.size(), rebuilding);
    }

    /** The lag an instance's {@code /metrics} reports over its partitions; -1 when it reports none or cannot be asked. */
    private static long lag(ServerProcess server) {
        try {
            var scrape = server.scrape();
            return scrape.max("vigil_kafka_consumer_lag", "ruleSet", RULE_SET) < 0 ? -1
                    : (long) scrape.sum("vigil_kafka_consumer_lag", "ruleSet", RULE_SET);
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    private void write(List<Sample> samples, double killedAt) throws IOException {
        var out = new StringBuilder("seconds,since_kill,produced,committed,lag,lag_a_metrics,lag_b_metrics,partitions_b,rebuilding_b\n");
        for (var s : samples) {
            out.append(String.format(Locale.ROOT, "%.2f,%.2f,%d,%d,%d,%s,%s,%d,%d%n", s.seconds(), s.seconds() - killedAt, s.produced(),
                    s.committed(), s.lag(),
                    s.lagA() < 0 ? "" : s.lagA(), s.lagB() < 0 ? "" : s.lagB(), s.partitionsB(), s.rebuildingB()));
        }
        Files.createDirectories(csv.getParent());
        Files.writeString(csv, out);
    }

    private void report(List<Sample> samples, double killedAt, long produced, List<JsonNode> alerts, long restarts) {
        var before = samples.stream().filter(s -> s.seconds() < killedAt && s.seconds() >= killedAt - 10).mapToDouble(Sample::lag).toArray();
        var after = samples.stream().filter(s -> s.seconds() >= killedAt).toList();
        var peak = after.stream().max((x, y) -> Long.compare(x.lag(), y.lag())).orElseThrow();
        var assigned = after.stream().filter(s -> s.partitionsB() == PARTITIONS).findFirst();
        var running = after.stream().filter(s -> s.partitionsB() == PARTITIONS && s.rebuildingB() == 0).findFirst();
        var back = after.stream().filter(s -> s.seconds() > peak.seconds() && s.lag() < CAUGHT_UP).findFirst();
        double level = 2 * Workload.median(before);
        var backToLevel = after.stream().filter(s -> s.seconds() > peak.seconds() && s.lag() < level).findFirst();
        var ids = new HashSet<String>();
        alerts.forEach(x -> ids.add(x.path("id").asText()));
        System.out.printf(Locale.ROOT, "%n### Failover: %,d events/s for %d s on %d partitions, two instances (%s), one killed at %.1f s%n%n",
                rate, seconds, PARTITIONS, KafkaBenchmark.timeouts(options), killedAt);
        System.out.println("| measure | value |");
        System.out.println("|---|---:|");
        System.out.printf(Locale.ROOT, "| total lag in the 10 s before the kill (end offsets - committed): median / max | %,.0f / %,.0f |%n",
                Workload.median(before), Arrays.stream(before).max().orElse(Double.NaN));
        System.out.printf(Locale.ROOT, "| peak lag after the kill, and when | %,d at %.1f s |%n", peak.lag(), peak.seconds() - killedAt);
        System.out.printf(Locale.ROOT, "| the survivor has all %d partitions | %s |%n", PARTITIONS, at(assigned, killedAt));
        System.out.printf(Locale.ROOT, "| ... all running (rebuilt) | %s |%n", at(running, killedAt));
        System.out.printf(Locale.ROOT, "| lag back under %,d | %s |%n", CAUGHT_UP, at(back, killedAt));
        System.out.printf(Locale.ROOT, "| lag back under twice its median before the kill (%,.0f) | %s |%n", level, at(backToLevel, killedAt));
        System.out.printf(Locale.ROOT, "| the survivor's consumer started over from the last commit (its log) | %d times |%n", restarts);
        System.out.printf(Locale.ROOT, "| events produced; committed at the end | %,d; %,d |%n", produced, samples.get(samples.size() - 1).committed());
        System.out.printf(Locale.ROOT, "| alerts on %s (read_committed); distinct ids | %,d; %,d |%n", KafkaCluster.ALERTS, alerts.size(), ids.size());
        System.out.println("\nseries: " + csv);
    }

    private static String at(Optional<Sample> sample, double killedAt) {
        return sample.map(s -> String.format(Locale.ROOT, "%.1f s after the kill", s.seconds() - killedAt)).orElse("not within the run");
    }
}
