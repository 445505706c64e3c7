package dev.vigil.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The benchmark's side of the broker: topics, a producer of events, the group offsets and end
 * offsets that lag is computed from, and a {@code read_committed} reader of the alerts topic.
 */
final class KafkaCluster implements AutoCloseable {
    /** Where Vigil produces alerts by default. */
    static final String ALERTS = "vigil.alerts";

    private final String bootstrap;
    private final Admin admin;
    private final ObjectMapper json = new ObjectMapper();

    KafkaCluster(String bootstrap) {
        this.bootstrap = bootstrap;
        var props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        this.admin = Admin.create(props);
    }

    String bootstrap() {
        return bootstrap;
    }

    /** Creates {@code topic} with {@code partitions} partitions and one replica. */
    void createTopic(String topic, int partitions) throws ExecutionException, InterruptedException {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }

    /** A producer of string keys and values: idempotent, acknowledged by the broker, batching for 5 ms. */
    KafkaProducer<String, String> producer() {
        var props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    /** The end offset of each partition of {@code topic}: with plain (not transactional) records, the records it holds. */
    Map<TopicPartition, Long> endOffsets(String topic, int partitions) throws ExecutionException, InterruptedException {
        var wanted = new HashMap<TopicPartition, OffsetSpec>();
        for (int p = 0; p < partitions; p++) {
            wanted.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        return admin.listOffsets(wanted).all().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    /** The sum of the end offsets of {@code topic}'s partitions. */
    long end(String topic, int partitions) throws ExecutionException, InterruptedException {
        return endOffsets(topic, partitions).values().stream().mapToLong(Long::longValue).sum();
    }

    /** The sum of the offsets {@code group} has committed on {@code topic}, 0 for a partition without a commit. */
    long committed(String group, String topic) throws ExecutionException, InterruptedException {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null).mapToLong(e -> e.getValue().offset()).sum();
    }

    /**
     * Whether {@code group}'s offsets can be read as stable: false while a transaction that commits
     * some of them is open (the broker answers {@code UNSTABLE_OFFSET_COMMIT}, as it does to the
     * consumer that takes a partition over), or when no answer came within {@code wait}.
     */
    boolean stable(String group, Duration wait) throws InterruptedException {
        try {
            admin.listConsumerGroupOffsets(group, new ListConsumerGroupOffsetsOptions().requireStable(true).timeoutMs((int) wait.toMillis()))
                    .partitionsToOffsetAndMetadata().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /**
     * The alerts of rule set {@code ruleSet} on the alerts topic from {@code from} (offsets by
     * partition, as {@link #endOffsets} gave them earlier) to its end, read as a {@code read_committed}
     * consumer reads them: what the committed transactions hold.
     */
    List<JsonNode> alerts(String ruleSet, Map<TopicPartition, Long> from) {
        var props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        var out = new ArrayList<JsonNode>();
        try (var consumer = new KafkaConsumer<byte[], byte[]>(props)) {
            var partitions = List.copyOf(from.keySet());
            consumer.assign(partitions);
            from.forEach(consumer::seek);
            // For a read_committed consumer the end is the last stable offset: past it nothing is committed yet.
            var end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    var alert = json.readTree(record.value());
                    if (alert.path("ruleSet").asText().equals(ruleSet)) {
                        out.add(alert);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * How many times {@code server}'s consumer of {@code ruleSet} started over from its last commit
     * (a failed transaction, a lost group membership), from its log; not counting the start-overs of
     * an undeploy, which the log also reports as such (the rule set's sessions stopped under it).
     */
    static long restarts(ServerProcess server, String ruleSet) throws IOException {
        try (var lines = Files.lines(server.log())) {
            return lines.filter(l -> l.contains("rule set '" + ruleSet + "' starts over") && !l.contains("was redeployed")).count();
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
