package dev.vigil.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The takeover of a partition that holds a full 60-second window: instance A consumes a topic of
 * one partition fed at a steady rate ({@link SteadyTopic}) for 66 s, so that W1's 60 s windows are
 * full, and is killed with SIGKILL; instance B (same rules folder, same group) is started then and
 * takes the partition over. The stream goes on throughout.
 *
 * <p>Timed from the kill, on the wall clock: when B listens; when the group's offsets can be read
 * as stable (a probe asking every 100 ms with {@code requireStable}: until then a transaction of A's
 * is open and the broker holds its offsets back, as it does from B, until the transaction timeout
 * aborts it); when B's consumer is assigned the partition and when it logs that it takes it over
 * (from B's log: the Kafka client's "Adding newly assigned partitions" line and Vigil's "takes over
 * ... rebuilding its windows from offset X up to Y", written once B has read the committed offset
 * and opened the partition's session); when the rule set view shows the partition
 * {@code running} (polled every 100 ms), with the records read again ({@code resumeAt -
 * rebuildFrom}); and when the lag is back under 1,000.
 */
final class KafkaTakeover {
    private static final String TOPIC = "window";
    private static final String RULE_SET = "takeover";
    private static final String GROUP = "vigil." + RULE_SET;
    private static final long FILL_SECONDS = 66;
    private static final long CAUGHT_UP = 1_000;
    private static final long WATCH_MINUTES = 4;

    private final KafkaCluster kafka;
    private final Path work;
    private final int rate;
    private final List<String> options;

    KafkaTakeover(KafkaCluster kafka, Path work, int rate, List<String> kafkaOptions) {
        this.kafka = kafka;
        this.work = work;
        this.rate = rate;
        this.options = kafkaOptions;
    }

    void run() throws Exception {
        kafka.createTopic(TOPIC, 1);
        var rules = SteadyTopic.rulesFolder(work, RULE_SET, TOPIC);
        var a = ServerProcess.start(Files.createDirectories(work.resolve("a")), serveOptions(rules));
        try (var stream = SteadyTopic.start(kafka, TOPIC, rate)) {
            await(() -> running(a), "instance a runs the partition");
            long filled = System.nanoTime() + TimeUnit.SECONDS.toNanos(FILL_SECONDS);
            while (System.nanoTime() < filled) {
                TimeUnit.SECONDS.sleep(11);
                System.out.printf(Locale.ROOT, "takeover: %,d events sent, lag %,d%n", stream.sent(), lag());
            }
            long committedAtKill = kafka.committed(GROUP, TOPIC);
            long endAtKill = kafka.end(TOPIC, 1);
            long killed = System.currentTimeMillis();
            a.kill();
            var stable = new AtomicLong();
            var probe = new Thread(() -> probeStable(stable), "stable-probe");
            probe.setDaemon(true);
            probe.start();
            try (var b = ServerProcess.start(Files.createDirectories(work.resolve("b")), serveOptions(rules))) {
                long listening = System.currentTimeMillis();
                var watch = watch(b, killed);
                probe.join(TimeUnit.SECONDS.toMillis(30));
                var log = Files.readAllLines(b.log());
                report(new Timeline(killed, listening, stable.get(), logged(log, "Adding newly assigned partitions"), logged(log, "takes over"),
                        watch.running(), watch.caughtUp()), watch.partition(), committedAtKill, endAtKill, KafkaCluster.restarts(b, RULE_SET));
            }
        } finally {
            a.close();
        }
    }

    /** Wall-clock instants, in ms since the epoch; 0 when not seen. */
    private record Timeline(long killed, long listening, long stable, long assigned, long takesOver, long running, long caughtUp) {
    }

    /** What B's view showed: the partition when it first ran, when that was, and when the lag was back under {@link #CAUGHT_UP} after it. */
    private record Watched(SteadyTopic.Partition partition, long running, long caughtUp) {
    }

    /**
     * Polls B's view of the partition every 100 ms until it runs and then until the lag is back
     * under {@link #CAUGHT_UP}, for at most {@link #WATCH_MINUTES} minutes after the kill: a consumer
     * that starts over rebuilds again, and may not get there.
     */
    private Watched watch(ServerProcess b, long killed) throws Exception {
        SteadyTopic.Partition first = null;
        long running = 0;
        long deadline = killed + TimeUnit.MINUTES.toMillis(WATCH_MINUTES);
        while (System.currentTimeMillis() < deadline) {
            if (running == 0) {
                var shown = SteadyTopic.partitions(b, RULE_SET);
                if (!shown.isEmpty() && shown.get(0).state().equals("running")) {
                    first = shown.get(0);
                    running = System.currentTimeMillis();
                }
            } else if (lag() < CAUGHT_UP) {
                return new Watched(first, running, System.currentTimeMillis());
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return new Watched(first, running, 0);
    }

    private String[] serveOptions(Path rules) {
        var all = new ArrayList<>(List.of("--rules", rules.toString(), "--max-alerts-per-second", "1000000"));
        all.addAll(options);
        return all.toArray(String[]::new);
    }

    private interface Check {
        boolean done() throws Exception;
    }

    private static void await(Check check, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!check.done()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after 3 minutes waiting until " + what);
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    private static boolean running(ServerProcess server) throws IOException, InterruptedException {
        return SteadyTopic.partitions(server, RULE_SET).stream().anyMatch(p -> p.state().equals("running"));
    }

    private long lag() throws Exception {
        return kafka.end(TOPIC, 1) - kafka.committed(GROUP, TOPIC);
    }

    /** Asks every 100 ms whether the group's offsets read as stable; sets {@code at} to the first time they do. */
    private void probeStable(AtomicLong at) {
        try {
            while (!kafka.stable(GROUP, Duration.ofSeconds(1))) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
            at.set(System.currentTimeMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** When the server first logged a line containing {@code text}; 0 when it did not. */
    private static long logged(List<String> log, String text) {
        for (var line : log) {
            if (line.contains(text)) {
                try {
                    return OffsetDateTime.parse(line.substring(0, line.indexOf(' '))).toInstant().toEpochMilli();
                } catch (DateTimeParseException | StringIndexOutOfBoundsException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    private void report(Timeline t, SteadyTopic.Partition partition, long committedAtKill, long endAtKill, long restarts) {
        System.out.printf(Locale.ROOT, "%n### Takeover of a partition holding a full 60 s window: %,d events/s, one partition (%s)%n%n", rate,
                KafkaBenchmark.timeouts(options));
        System.out.println("| from the kill of A (SIGKILL) | seconds |");
        System.out.println("|---|---:|");
        row("B listens (JVM start, rules compiled, server up)", t.killed(), t.listening());
        row("the group's offsets read as stable (A's open transaction, if any, aborted)", t.killed(), t.stable());
        row("B's consumer is assigned the partition (its log)", t.killed(), t.assigned());
        row("B takes it over: committed offset read, session opened (its log)", t.killed(), t.takesOver());
        row("the view shows it running", t.killed(), t.running());
        row("lag back under " + CAUGHT_UP, t.killed(), t.caughtUp());
        System.out.printf(Locale.ROOT, "%n| the rebuild | value |%n|---|---:|%n");
        System.out.printf(Locale.ROOT, "| A's committed offset at the kill; end of the topic | %,d; %,d |%n", committedAtKill, endAtKill);
        System.out.printf(Locale.ROOT, "| B's consumer started over from the last commit (its log) | %d times |%n", restarts);
        if (partition == null) {
            System.out.printf(Locale.ROOT, "| the partition did not run within %d minutes of the kill | |%n", WATCH_MINUTES);
            return;
        }
        long records = partition.resumeAt() - partition.rebuildFrom();
        double rebuild = (t.running() - t.takesOver()) / 1e3;
        System.out.printf(Locale.ROOT, "| rebuildFrom .. resumeAt | %,d .. %,d |%n", partition.rebuildFrom(), partition.resumeAt());
        System.out.printf(Locale.ROOT, "| records read again (resumeAt - rebuildFrom) | %,d (%.1f s of the stream) |%n", records, records / (double) rate);
        System.out.printf(Locale.ROOT, "| assigned to taking over (offsets, opening the session) | %.1f s |%n", (t.takesOver() - t.assigned()) / 1e3);
        System.out.printf(Locale.ROOT, "| taking over to running (the rebuild%s) | %.1f s, %,.0f records/s |%n",
                restarts > 0 ? ", from the first take-over: with the start-overs" : "", rebuild, records / rebuild);
        System.out.printf(Locale.ROOT, "| alerts the rebuild raised again and held back | %,d |%n", partition.heldBack());
    }

    private static void row(String label, long from, long to) {
        System.out.printf(Locale.ROOT, "| %s | %s |%n", label, to == 0 ? "not seen" : String.format(Locale.ROOT, "%.1f", (to - from) / 1e3));
    }
}
