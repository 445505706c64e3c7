package dev.vigil.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.engine.Engine;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.EngineConfig;
import dev.vigil.engine.api.EngineListener;
import dev.vigil.engine.api.Partitioning;
import dev.vigil.engine.api.RuleError;
import dev.vigil.engine.api.RuleSetSettings;
import dev.vigil.engine.api.RuleSetSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The transport against a real single-node Kafka broker: alerts from a topic are those of the same
 * events submitted to the engine, with the same ids, each once; a record that is not an event goes
 * to the dead-letter topic and its partition goes on; a partition that moves to another instance is
 * rebuilt there, and a window that spans the move fires once.
 */
@Tag("slow")
class KafkaTransportTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private final KafkaBroker broker = KafkaBroker.shared();
    private final TestPayments kafka = new TestPayments(broker.bootstrap());
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @Test
    void alertsFromATopic_areThoseOfTheSameEventsSubmitted_withTheSameIds_eachOnce() {
        var events = payments(new Random(7), 30, 240);
        broker.createTopic("payments-same", 3);
        kafka.produce("payments-same", events);

        var expected = submitted(events);
        assertThat(expected).as("the data makes bursts").hasSizeGreaterThan(20);

        var instance = new Instance("a", "payments-same", "alerts-same");
        await().atMost(WAIT).failFast(() -> instance.transport.status().ruleSets().stream().anyMatch(r -> r.problem() != null))
                .until(() -> kafka.alertIds("alerts-same").size() >= expected.size());
        var produced = kafka.alertIds("alerts-same");
        assertThat(produced).doesNotHaveDuplicates();
        assertThat(Set.copyOf(produced)).isEqualTo(Set.copyOf(expected));
        assertThat(instance.outlet.alerts).extracting(Alert::id).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(instance.transport.status("payments").orElseThrow().partitions()).hasSize(3)
                .allSatisfy(p -> assertThat(p.state()).isEqualTo("running"));
    }

    @Test
    void aRecordThatIsNotAnEvent_goesToTheDeadLetterTopic_withTheReason_andItsPartitionGoesOn() {
        broker.createTopic("payments-dlq", 1);
        var instance = new Instance("a", "payments-dlq", "alerts-dlq");
        try (var producer = kafka.producer()) {
            TestPayments.send(producer, "payments-dlq", "c1", payment("p1", 0, "c1").toString());
            TestPayments.send(producer, "payments-dlq", "c1", "{not json");
            TestPayments.send(producer, "payments-dlq", "c1", payment("p2", 1, "c1").put("amount", "lots").toString());
            TestPayments.send(producer, "payments-dlq", "c2", payment("p3", 2, "c1").toString());
            TestPayments.send(producer, "payments-dlq", "c1", payment("p4", 3, "c1").toString());
            // A CloudEvent in structured mode is an event too.
            TestPayments.send(producer, "payments-dlq", "c1", "{\"specversion\": \"1.0\", \"id\": \"p5\", \"source\": \"/cards\","
                    + " \"type\": \"com.acme.Payment\", \"time\": \"2026-11-20T10:00:04Z\", \"data\": {\"cardId\": \"c1\", \"amount\": 10.0}}");
            // An array of events is taken whole, or dead-lettered whole naming the element at fault.
            TestPayments.send(producer, "payments-dlq", "c1", "[" + payment("p6", 5, "c1") + ", " + payment("p7", 6, "c1") + "]");
            TestPayments.send(producer, "payments-dlq", "c1", "[" + payment("p8", 7, "c1") + ", " + payment("p9", 8, "c1")
                    .put("amount", "x") + "]");
        }
        // Five payments of c1 within a minute (p1, p4, p5, p6, p7): ten triples.
        await().atMost(WAIT).until(() -> kafka.alertIds("alerts-dlq").size() == 10);
        var letters = kafka.read("payments-dlq.vigil-dlq", 4);
        assertThat(letters).extracting(r -> TestPayments.header(r, "vigil-error")).satisfiesExactly(
                e -> assertThat(e).contains("not JSON"),
                e -> assertThat(e).contains("field 'amount'"),
                e -> assertThat(e).contains("the record's key 'c2' is not the event's cardId 'c1'"),
                e -> assertThat(e).contains("event 1: field 'amount'"));
        assertThat(letters).extracting(r -> TestPayments.header(r, "vigil-source")).containsExactly("payments-dlq/0/1", "payments-dlq/0/2",
                "payments-dlq/0/3", "payments-dlq/0/7");
        assertThat(new String(letters.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
        assertThat(instance.outlet.alerts).hasSize(10).allSatisfy(a -> assertThat(a.key()).isEqualTo("c1"));
    }

    @Test
    void aPartitionThatMovesToAnotherInstance_isRebuiltThere_andAWindowSpanningTheMoveFiresOnce() {
        broker.createTopic("payments-move", 2);
        var cards = List.of("c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8");
        var before = new ArrayList<ObjectNode>();
        var after = new ArrayList<ObjectNode>();
        for (int i = 0; i < cards.size(); i++) {
            before.add(payment("a" + i, i, cards.get(i)));
            before.add(payment("b" + i, 10 + i, cards.get(i)));
            after.add(payment("c" + i, 40 + i, cards.get(i)));
        }
        var first = new Instance("a", "payments-move", "alerts-move");
        kafka.produce("payments-move", before);
        await().atMost(WAIT).until(() -> committed("payments-move", 2) == before.size());
        assertThat(kafka.alertIds("alerts-move")).isEmpty();

        var second = new Instance("b", "payments-move", "alerts-move");
        await().atMost(WAIT).until(() -> assigned(first) == 1 && assigned(second) == 1);
        kafka.produce("payments-move", after);

        var all = new ArrayList<>(before);
        all.addAll(after);
        var expected = submitted(all);
        assertThat(expected).hasSize(cards.size());
        await().atMost(WAIT).until(() -> kafka.alertIds("alerts-move").size() >= expected.size());
        var produced = kafka.alertIds("alerts-move");
        assertThat(produced).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
        var moved = second.transport.status("payments").orElseThrow().partitions().get(0);
        assertThat(moved.rebuildFrom()).as("the partition read back from its first event").isZero();
        assertThat(moved.resumeAt()).as("to where the first instance had committed").isPositive();
    }

    @Test
    void rulesThatLoopInAPartition_failTheRuleSet_stopItsConsumer_andAFixedVersionTakesTheTopicUpAgain() {
        broker.createTopic("payments-loop", 2);
        var instance = new Instance("a", "payments-loop", "alerts-loop");
        var looping = TestPayments.DRL + """
                declare Counter
                    n : int
                end
                rule "count large payments"
                when
                    Payment(amount > 1000)
                then
                    insert(new Counter(0));
                end
                rule "spin"
                when
                    $c : Counter(n >= 0)
                then
                    modify($c) { setN($c.getN() + 1) }
                end
                """;
        instance.engine.deploy(new RuleSetSource("payments", Map.of("pay.drl", looping),
                settings().withSource(new TopicSource("payments-loop", "earliest").toEventSource())));
        await().atMost(WAIT).until(() -> assigned(instance) == 2);
        kafka.produce("payments-loop", List.of(payment("p1", 0, "c1"), payment("p2", 1, "c1")));
        kafka.produce("payments-loop", List.of(payment("big", 2, "c1").put("amount", 5_000.0)));

        await().atMost(WAIT).until(() -> !instance.engine.ruleSet("payments").orElseThrow().running());
        assertThat(instance.engine.ruleSet("payments").orElseThrow().status().reason()).contains("'spin'", "without end");
        await().atMost(WAIT).until(() -> instance.transport.status("payments").isEmpty());
        assertThat(kafka.alertIds("alerts-loop")).as("nothing of the failed run was committed").isEmpty();

        // The fixed version reads the partition from its last commit: the large payment completes c1's three.
        instance.engine.deploy(new RuleSetSource("payments", Map.of("pay.drl", TestPayments.DRL),
                settings().withSource(new TopicSource("payments-loop", "earliest").toEventSource())));
        instance.transport.refresh();
        await().atMost(WAIT).until(() -> kafka.alertIds("alerts-loop").size() == 1);
        assertThat(assigned(instance)).isEqualTo(2);
    }

    @Test
    void aGroupCommittedWithoutVigilsPoint_isRebuiltFromTheOffsetWhoseTimeCoversTheRetention() throws Exception {
        broker.createTopic("payments-bytime", 1);
        kafka.produce("payments-bytime", List.of(payment("a", 0, "c1"), payment("b", 10, "c1")));
        // A tool moved the group past both records: no commit point in the metadata.
        var partition = new TopicPartition("payments-bytime", 0);
        broker.admin().alterConsumerGroupOffsets("payments-bytime.payments", Map.of(partition, new OffsetAndMetadata(2))).all().get();

        var instance = new Instance("a", "payments-bytime", "alerts-bytime");
        await().atMost(WAIT).until(() -> assigned(instance) == 1);
        var taken = instance.transport.status("payments").orElseThrow().partitions().get(0);
        assertThat(taken.rebuildFrom()).as("offsetsForTimes: the records of the last ten minutes").isZero();
        assertThat(taken.resumeAt()).isEqualTo(2);
        kafka.produce("payments-bytime", List.of(payment("c", 20, "c1")));
        await().atMost(WAIT).until(() -> kafka.alertIds("alerts-bytime").size() == 1);
    }

    @Test
    void aClusterThatDoesNotAnswer_isReportedAndRetried_andTheOtherRuleSetsGoOn() throws IOException {
        var engine = Engine.create(EngineConfig.defaults());
        open.add(engine);
        engine.deploy(new RuleSetSource("payments", Map.of("pay.drl", TestPayments.DRL),
                settings().withSource(new TopicSource("payments", "earliest").toEventSource())));
        engine.deploy(new RuleSetSource("posted", Map.of("pay.drl", TestPayments.DRL), settings()));
        var config = KafkaConfig.of("127.0.0.1:" + closedPort(), "a");
        var transport = new KafkaTransport(engine, config, new Outlet(), new SimpleMeterRegistry(), InstantSource.system());
        open.add(transport);

        await().atMost(WAIT).until(() -> String.valueOf(transport.status().problem()).contains("does not answer"));
        assertThat(transport.status().connected()).isFalse();
        await().atMost(WAIT).until(() -> transport.status("payments").map(s -> s.state().equals("retrying")).orElse(false));
        engine.submit("posted", List.of(payment("a", 0, "c1"), payment("b", 1, "c1"), payment("c", 2, "c1")));
        assertThat(engine.flush("posted").join().alerts()).isEqualTo(1);
    }

    private static int closedPort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void twoInstancesStartingTogetherOnABacklog_shareItWithoutStartingOver_andRaiseEveryAlertOnce() {
        var events = payments(new Random(11), 60, 3_000);
        broker.createTopic("payments-pair", 4);
        kafka.produce("payments-pair", events);
        var expected = submitted(events);

        var first = new Instance("a", "payments-pair", "alerts-pair");
        var second = new Instance("b", "payments-pair", "alerts-pair");
        await().atMost(WAIT).until(() -> kafka.alertIds("alerts-pair").size() >= expected.size());
        assertThat(kafka.alertIds("alerts-pair")).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
        assertThat(List.of(first, second)).as("neither consumer started over: a commit the rebalance refused rolls back, in the group")
                .allSatisfy(i -> assertThat(i.transport.status("payments").orElseThrow().startsOver()).isZero());
    }

    private int assigned(Instance instance) {
        return instance.transport.status("payments").map(s -> (int) s.partitions().stream()
                .filter(p -> p.state().equals("running")).count()).orElse(0);
    }

    /** Payments of {@code cards} cards over about {@code seconds} seconds, in time order. */
    private static List<ObjectNode> payments(Random random, int cards, int count) {
        var out = new ArrayList<ObjectNode>();
        long at = 0;
        for (int i = 0; i < count; i++) {
            at += random.nextInt(3);
            out.add(payment("p" + i, at, "card" + random.nextInt(cards)));
        }
        return out;
    }

    private static ObjectNode payment(String id, long seconds, String card) {
        return TestPayments.payment(id, seconds, card);
    }

    /** The ids of the alerts the events raise when submitted to the engine in one go. */
    private List<String> submitted(List<ObjectNode> events) {
        var alerts = new CopyOnWriteArrayList<Alert>();
        try (var engine = Engine.create(EngineConfig.defaults().withListener(new EngineListener() {
            @Override
            public void onAlert(Alert alert) {
                alerts.add(alert);
            }
        }))) {
            engine.deploy(new RuleSetSource("payments", Map.of("pay.drl", TestPayments.DRL), settings()));
            engine.submit("payments", events);
            engine.flush("payments").join();
        }
        return alerts.stream().map(Alert::id).toList();
    }

    private static RuleSetSettings settings() {
        return RuleSetSettings.DEFAULTS.withPartitioning(Partitioning.by("cardId"));
    }

    /** Records of {@code topic}'s {@code partitions} partitions the group has committed past. */
    private long committed(String topic, int partitions) throws Exception {
        var offsets = broker.admin().listConsumerGroupOffsets(topic + ".payments").partitionsToOffsetAndMetadata().get();
        long sum = 0;
        for (int p = 0; p < partitions; p++) {
            var offset = offsets.get(new TopicPartition(topic, p));
            sum += offset == null ? 0 : offset.offset();
        }
        return sum;
    }

    /** An engine with the rule set deployed on {@code topic}, and its transport. */
    private final class Instance {
        final Outlet outlet = new Outlet();
        final Engine engine = Engine.create(EngineConfig.defaults().withTick(Duration.ofMillis(20)));
        final KafkaTransport transport;

        Instance(String id, String topic, String alertsTopic) {
            engine.deploy(new RuleSetSource("payments", Map.of("pay.drl", TestPayments.DRL),
                    settings().withSource(new TopicSource(topic, "earliest").toEventSource())));
            var config = new KafkaConfig(broker.bootstrap(), topic, alertsTopic, false, id + "-" + topic, Duration.ofMillis(50),
                    Duration.ofSeconds(10), Duration.ofDays(1), Duration.ofSeconds(6));
            transport = new KafkaTransport(engine, config, outlet, new SimpleMeterRegistry(), InstantSource.system());
            open.add(engine);
            open.add(transport);
        }
    }

    /** The server's side, kept in memory: alerts as they are taken, failures. */
    static final class Outlet implements AlertOutlet {
        final List<Alert> alerts = new CopyOnWriteArrayList<>();
        final List<String> failures = new CopyOnWriteArrayList<>();

        @Override
        public void onAlert(Alert alert) {
            alerts.add(alert);
        }

        @Override
        public void awaitStored(String ruleSet) {
            // Kept as taken.
        }

        @Override
        public byte[] json(Alert alert) {
            return ("{\"id\":\"" + alert.id() + "\"}").getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void onRuleError(RuleError error) {
            failures.add(error.message());
        }

    }
}
