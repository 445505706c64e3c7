package dev.vigil.kafka;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Payments keyed by card, the rule set that watches them, and the producing and reading that tests
 * of the transport do against a real broker: shared by the transport's tests and the server's.
 */
public final class TestPayments {
    public static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    /**
     * Payments keyed by card, and a rule for three payments of one card within a minute. Each alert is
     * one match of three payments, which the expiry of older payments never changes: the alerts are
     * what the data holds, however the cards are spread over sessions and partitions.
     */
    public static final String DRL = """
            package pay;
            declare Payment
                @role(event)
                @timestamp(time)
                @expires(10m)
                time : long
                cardId : String
                amount : double
            end
            rule "three within a minute"
                @severity("high")
            when
                $a : Payment($card : cardId)
                $b : Payment(cardId == $card, this != $a, this after[0s,60s] $a)
                $c : Payment(cardId == $card, this != $a, this != $b, this after[0s,60s] $b, this after[0s,60s] $a)
            then
                alerts.raise($card, "three payments within a minute");
            end
            """;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READ_FOR = Duration.ofSeconds(10);

    private final String bootstrap;

    public TestPayments(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** A payment of 10 by {@code card}, {@code seconds} after {@link #T0}. */
    public static ObjectNode payment(String id, long seconds, String card) {
        return JSON.createObjectNode().put("type", "Payment").put("id", id).put("time", T0.plusSeconds(seconds).toString())
                .put("cardId", card).put("amount", 10.0);
    }

    /** Produces {@code events} to {@code topic}, each keyed by its card. */
    public void produce(String topic, List<ObjectNode> events) {
        try (var producer = producer()) {
            for (var event : events) {
                send(producer, topic, event.get("cardId").asText(), event.toString());
            }
        }
    }

    public static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, String value) {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * A producer of test input, in order per partition: one request in flight, and not idempotent,
     * since an idempotent producer's first batches to a topic created a moment ago can be refused
     * as out of sequence by the broker, and are then retried until the delivery timeout.
     */
    public KafkaProducer<byte[], byte[]> producer() {
        var props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    /** The alert ids on {@code topic} that a read_committed consumer sees, in order. */
    public List<String> alertIds(String topic) {
        return readAll(topic).stream().map(r -> header(r, "vigil-alert-id")).toList();
    }

    /** The records of {@code topic} once there are at least {@code atLeast}, within a minute. */
    public List<ConsumerRecord<byte[], byte[]>> read(String topic, int atLeast) {
        var out = new ArrayList<ConsumerRecord<byte[], byte[]>>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            out.clear();
            out.addAll(readAll(topic));
            return out.size() >= atLeast;
        });
        return out;
    }

    /** Every record of {@code topic} a read_committed consumer sees now. */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        var props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (var consumer = new KafkaConsumer<byte[], byte[]>(props)) {
            if (!consumer.listTopics(READ_FOR).containsKey(topic)) {
                // Not created yet: the consumer that writes it creates it.
                return List.of();
            }
            var partitions = consumer.partitionsFor(topic, READ_FOR).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var ends = consumer.endOffsets(partitions);
            var out = new ArrayList<ConsumerRecord<byte[], byte[]>>();
            long deadline = System.nanoTime() + READ_FOR.toNanos();
            while (!reachedEnd(consumer, ends) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }

    private static boolean reachedEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    public static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
