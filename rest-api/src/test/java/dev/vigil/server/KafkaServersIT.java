package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.kafka.KafkaBroker;
import dev.vigil.kafka.KafkaConfig;
import dev.vigil.kafka.TestPayments;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vigil with Kafka as it is run: two {@code vigil serve} processes whose rules folder has a rule set
 * that consumes a topic share its partitions through their consumer group; one is killed with
 * SIGKILL while windows are open, and the other takes its partitions over, rebuilds their windows
 * from the topic and goes on. The alerts topic then holds every alert the same events raise when
 * posted over HTTP, with the same ids, each once.
 */
class KafkaServersIT {
    private static final String TOKEN = "kafka-test-token";
    private static final String TOPIC = "payments-servers";
    private static final Duration WAIT = Duration.ofSeconds(90);

    private final KafkaBroker broker = KafkaBroker.shared();
    private final TestPayments kafka = new TestPayments(broker.bootstrap());
    private final List<ServeProcess> processes = new ArrayList<>();

    @TempDir
    Path work;

    @AfterEach
    void stop() throws InterruptedException {
        for (var process : processes) {
            process.kill();
        }
    }

    @Test
    void twoInstancesShareTheTopic_andWhenOneIsKilled_theOtherTakesOver_raisingEveryAlertOnce_asPostingOverHttpDoes()
            throws Exception {
        broker.createTopic(TOPIC, 4);
        var rules = rulesFolder();
        var first = serve("a", rules);
        var second = serve("b", rules);
        await().atMost(WAIT).until(() -> running(first) >= 1 && running(second) >= 1 && running(first) + running(second) == 4);

        var cards = new ArrayList<String>();
        for (int i = 0; i < 16; i++) {
            cards.add("card" + i);
        }
        var all = new ArrayList<ObjectNode>();
        // Two payments of every card: every window is open, none has fired.
        var opening = new ArrayList<ObjectNode>();
        for (var card : cards) {
            opening.add(TestPayments.payment(card + "-a", 0, card));
            opening.add(TestPayments.payment(card + "-b", 10, card));
        }
        send(opening, all);
        await().atMost(WAIT).until(() -> committed() == opening.size());
        assertThat(kafka.alertIds("vigil.alerts")).isEmpty();

        // A third payment of half the cards: their windows fire, on both instances.
        var firing = new ArrayList<ObjectNode>();
        cards.subList(0, 8).forEach(card -> firing.add(TestPayments.payment(card + "-c", 40, card)));
        send(firing, all);
        await().atMost(WAIT).until(() -> kafka.alertIds("vigil.alerts").size() == 8);

        // The other half's third payment, and the first instance dies while it may be taking it.
        var spanning = new ArrayList<ObjectNode>();
        cards.subList(8, 16).forEach(card -> spanning.add(TestPayments.payment(card + "-c", 45, card)));
        send(spanning, all);
        first.kill();
        processes.remove(first);

        await().atMost(WAIT).until(() -> running(second) == 4);
        var closing = new ArrayList<ObjectNode>();
        cards.forEach(card -> closing.add(TestPayments.payment(card + "-d", 50, card)));
        send(closing, all);

        var expected = postedOverHttp(all);
        assertThat(expected).as("windows that span the kill").hasSizeGreaterThan(16 + 8);
        await().atMost(WAIT).until(() -> kafka.alertIds("vigil.alerts").size() >= expected.size());
        assertThat(kafka.alertIds("vigil.alerts")).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);

        var consumer = view(second.port(), "/api/v1/rulesets/payments").get("kafka");
        assertThat(consumer.get("group").asText()).isEqualTo("vigil.payments");
        var takenOver = new ArrayList<JsonNode>();
        consumer.get("partitions").forEach(p -> {
            if (p.has("rebuildFrom")) {
                takenOver.add(p);
            }
        });
        assertThat(takenOver).as("the partitions the second instance took over, and read again").isNotEmpty()
                .allSatisfy(p -> assertThat(p.get("rebuildFrom").asLong()).isLessThan(p.get("resumeAt").asLong()))
                .anySatisfy(p -> assertThat(p.get("alertsHeldBack").asLong()).as("alerts raised again and held back").isPositive());
        var health = view(second.port(), "/api/v1/health");
        assertThat(health.get("status").asText()).isEqualTo("ok");
        assertThat(health.get("kafka").get("connected").asBoolean()).isTrue();
        assertThat(text(second.port(), "/metrics")).contains("vigil_kafka_records_consumed_total", "vigil_kafka_consumer_lag",
                "vigil_kafka_alerts_produced_total");
    }

    @Test
    void withAnAlertsTopic_theAlertsOfRuleSetsThatTakePostedEvents_areProducedOnceStored() throws Exception {
        var kafkaConfig = KafkaConfig.of(broker.bootstrap(), "").withAlertsOfEveryRuleSetTo("every-alert");
        try (var server = TestServer.start(TestServer.config(work.resolve("posted")).withKafka(kafkaConfig))) {
            var deploy = TestServer.JSON.createObjectNode();
            deploy.putObject("files").put("pay.drl", TestPayments.DRL);
            assertThat(server.send("PUT", "/api/v1/rulesets/payments", deploy.toString()).statusCode()).isEqualTo(200);
            var events = List.of(TestPayments.payment("a", 0, "c1"), TestPayments.payment("b", 1, "c1"),
                    TestPayments.payment("c", 2, "c1"));
            var ndjson = events.stream().map(ObjectNode::toString).collect(Collectors.joining("\n"));
            assertThat(server.send("POST", "/api/v1/events", ndjson, "application/x-ndjson", TestServer.ADMIN_TOKEN).statusCode())
                    .isEqualTo(202);
            var stored = new ArrayList<String>();
            await().atMost(WAIT).until(() -> {
                stored.clear();
                TestServer.JSON.readTree(server.get("/api/v1/alerts").body()).get("alerts").forEach(a -> stored.add(a.get("id").asText()));
                return stored.size() == 1;
            });
            await().atMost(WAIT).until(() -> kafka.alertIds("every-alert").equals(stored));
            var record = kafka.readAll("every-alert").get(0);
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("c1");
            assertThat(TestServer.JSON.readTree(record.value()).get("id").asText()).isEqualTo(stored.get(0));
        }
    }

    /** A rules folder with the payments rule set, keyed by card, consuming {@link #TOPIC}. */
    private Path rulesFolder() throws IOException {
        var folder = Files.createDirectories(work.resolve("rules").resolve("payments"));
        Files.writeString(folder.resolve("pay.drl"), TestPayments.DRL);
        Files.writeString(folder.resolve("settings.yaml"), "partitionBy: cardId\nsource:\n  kafka:\n    topic: " + TOPIC + "\n");
        return folder.getParent();
    }

    private ServeProcess serve(String name, Path rules) throws IOException {
        var process = ServeProcess.start(Map.of("VIGIL_ADMIN_TOKEN", TOKEN, "VIGIL_KAFKA_BOOTSTRAP", broker.bootstrap()), "--port", "0",
                "--data", work.resolve(name).toString(), "--rules", rules.toString(), "--kafka-session-timeout", "6s",
                "--kafka-transaction-timeout", "5s", "--kafka-commit-interval", "100ms");
        processes.add(process);
        return process;
    }

    private void send(List<ObjectNode> events, List<ObjectNode> all) {
        kafka.produce(TOPIC, events);
        all.addAll(events);
    }

    /** The partitions assigned to {@code process} and running there. */
    private int running(ServeProcess process) throws IOException, InterruptedException {
        var consumer = view(process.port(), "/api/v1/rulesets/payments").get("kafka");
        if (consumer == null) {
            return 0;
        }
        int running = 0;
        for (var partition : consumer.get("partitions")) {
            if (partition.get("state").asText().equals("running")) {
                running++;
            }
        }
        return running;
    }

    /** Records of the topic the group has committed past. */
    private long committed() throws Exception {
        var offsets = broker.admin().listConsumerGroupOffsets("vigil.payments").partitionsToOffsetAndMetadata().get();
        long sum = 0;
        for (int p = 0; p < 4; p++) {
            var offset = offsets.get(new TopicPartition(TOPIC, p));
            sum += offset == null ? 0 : offset.offset();
        }
        return sum;
    }

    /** The ids of the alerts {@code events} raise when posted over HTTP to a server of their own, without Kafka. */
    private Set<String> postedOverHttp(List<ObjectNode> events) throws Exception {
        try (var server = TestServer.start(work.resolve("http"))) {
            var deploy = TestServer.JSON.createObjectNode();
            deploy.putObject("files").put("pay.drl", TestPayments.DRL);
            deploy.putObject("settings").put("partitionBy", "cardId");
            assertThat(server.send("PUT", "/api/v1/rulesets/payments", deploy.toString()).statusCode()).isEqualTo(200);
            var ndjson = events.stream().map(ObjectNode::toString).collect(Collectors.joining("\n"));
            assertThat(server.send("POST", "/api/v1/events", ndjson, "application/x-ndjson", TestServer.ADMIN_TOKEN).statusCode())
                    .isEqualTo(202);
            long raised = server.server().engine().flush("payments").join().alertsPerRule().values().stream()
                    .mapToLong(Long::longValue).sum();
            var ids = new ArrayList<String>();
            await().atMost(WAIT).until(() -> {
                ids.clear();
                TestServer.JSON.readTree(server.get("/api/v1/alerts?limit=1000").body()).get("alerts")
                        .forEach(a -> ids.add(a.get("id").asText()));
                return ids.size() == raised;
            });
            return Set.copyOf(ids);
        }
    }

    private static JsonNode view(int port, String path) throws IOException, InterruptedException {
        return TestServer.JSON.readTree(text(port, path));
    }

    private static String text(int port, String path) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization", "Bearer " + TOKEN)
                .timeout(Duration.ofSeconds(30)).build();
        return TestServer.HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }
}
