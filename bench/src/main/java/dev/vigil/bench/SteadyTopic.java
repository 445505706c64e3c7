package dev.vigil.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A topic fed live: a producer thread that sends W1's transactions at a fixed rate, stamped with
 * the wall clock as their event time, keyed by account; and the rule set that consumes it, W1 in a
 * rules folder whose {@code settings.yaml} names the topic, as instances started with
 * {@code --rules} load it. The accounts are twenty times the rate, so that each sees about three
 * transactions a minute, as in the W1 file (2 ms apart on 10,000 accounts), and W1 alerts on about
 * as large a share of them.
 */
final class SteadyTopic implements AutoCloseable {
    /** Sends are spread over 100 ticks a second. */
    private static final int TICKS = 100;

    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final int rate;
    private final Thread thread;
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean stopping;

    private SteadyTopic(KafkaCluster kafka, String topic, int rate) {
        this.producer = kafka.producer();
        this.topic = topic;
        this.rate = rate;
        this.thread = new Thread(this::send, "steady-" + topic);
        thread.setDaemon(true);
    }

    /** Starts sending {@code rate} events a second to {@code topic}. */
    static SteadyTopic start(KafkaCluster kafka, String topic, int rate) {
        var stream = new SteadyTopic(kafka, topic, rate);
        stream.thread.start();
        return stream;
    }

    /**
     * A rules folder with W1 as rule set {@code ruleSet}, partitioned by account, without lateness
     * (each partition is in event-time order), consuming {@code topic}.
     */
    static Path rulesFolder(Path under, String ruleSet, String topic) throws IOException {
        var folder = Files.createDirectories(under.resolve("rules").resolve(ruleSet));
        Files.writeString(folder.resolve("w1.drl"), Workload.W1);
        Files.writeString(folder.resolve("settings.yaml"), "partitionBy: accountId\nlateness: 0s\nsource:\n  kafka:\n    topic: " + topic + "\n");
        return folder.getParent();
    }

    /** One assigned partition as the rule set view shows it; {@code rebuildFrom} and {@code resumeAt} -1 when it read nothing again. */
    record Partition(int partition, String state, long lag, long rebuildFrom, long resumeAt, long heldBack) {
    }

    /** The partitions of {@code ruleSet} assigned to {@code server}, from {@code GET /api/v1/rulesets/{name}}; none before its consumer starts. */
    static List<Partition> partitions(ServerProcess server, String ruleSet) throws IOException, InterruptedException {
        var view = new ObjectMapper().readTree(server.send(server.request("api/v1/rulesets/" + ruleSet).GET()).body());
        var out = new ArrayList<Partition>();
        for (var p : view.path("kafka").path("partitions")) {
            out.add(new Partition(p.path("partition").asInt(), p.path("state").asText(), p.path("lag").asLong(),
                    p.path("rebuildFrom").asLong(-1), p.path("resumeAt").asLong(-1), p.path("alertsHeldBack").asLong()));
        }
        return out;
    }

    /** Events sent so far. */
    long sent() {
        return sent.get();
    }

    private void send() {
        var random = new SplittableRandom(11);
        int accounts = rate * 20;
        long start = System.nanoTime();
        long tick = TimeUnit.SECONDS.toNanos(1) / TICKS;
        for (long t = 0; !stopping; t++) {
            long wait = start + t * tick - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            // As many as are due by the end of this tick, so that rounding does not lose any.
            long due = (t + 1) * rate / TICKS;
            long now = System.currentTimeMillis();
            while (sent.get() < due) {
                long i = sent.getAndIncrement();
                var account = "acc-" + random.nextInt(accounts);
                producer.send(new ProducerRecord<>(topic, account, String.format(Locale.ROOT,
                        "{\"type\":\"Transaction\",\"id\":\"s%d\",\"time\":%d,\"accountId\":\"%s\",\"amount\":%d.5}", i, now, account, i % 1000)));
            }
        }
    }

    /** Stops sending and waits for what was sent to be acknowledged. */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        thread.join();
        producer.close();
    }
}
