package dev.vigil.kafka;

import dev.vigil.kafka.RuleSetConsumer.StartOver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A rule set consumer's transactional producer: each commit sends the alerts its partitions raised,
 * the records that were not events and the consumed offsets in one Kafka transaction, so a
 * {@code read_committed} reader of the alerts topic sees all of it or none. Its transactional id is
 * the group's and the instance's, so a restart of the instance fences what its last run left open.
 */
final class AlertTransactions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertTransactions.class);
    static final String ALERT_ID_HEADER = "vigil-alert-id";
    static final String ERROR_HEADER = "vigil-error";
    static final String SOURCE_HEADER = "vigil-source";

    private final KafkaConfig config;
    private final String ruleSet;
    private final AlertOutlet outlet;
    private final KafkaMetrics metrics;
    private final KafkaProducer<byte[], byte[]> producer;

    private AlertTransactions(KafkaConfig config, String ruleSet, AlertOutlet outlet, KafkaMetrics metrics) {
        this.config = config;
        this.ruleSet = ruleSet;
        this.outlet = outlet;
        this.metrics = metrics;
        this.producer = new KafkaProducer<>(properties(config, ruleSet));
    }

    /**
     * The producer of rule set {@code ruleSet}, ready for transactions, once the topics it writes
     * ({@code topics}) exist: those missing are created with the broker's default partitions and
     * replication, since a broker that creates no topic by itself would fail every transaction.
     *
     * @throws StartOver when the cluster does not answer or refuses the topics
     */
    static AlertTransactions open(KafkaConfig config, String ruleSet, List<String> topics, AlertOutlet outlet, KafkaMetrics metrics) {
        Topics.createMissing(config, topics);
        var opened = new AlertTransactions(config, ruleSet, outlet, metrics);
        try {
            opened.producer.initTransactions();
            return opened;
        } catch (KafkaException e) {
            opened.close();
            throw e;
        }
    }

    /**
     * Commits {@code checkpoints}' alerts, {@code deadLetters} (to {@code deadLetterTopic}, each as
     * it was, with the reason and where it came from in headers) and {@code offsets}, in one
     * transaction.
     *
     * @throws StartOver    when another instance fenced this one: the partitions are the other's now
     * @throws KafkaException when the transaction failed and was aborted: nothing of it was committed
     */
    void commit(List<PartitionRun.Checkpoint> checkpoints, List<PartitionRun.DeadLetter> deadLetters, String deadLetterTopic,
                Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
        try {
            producer.beginTransaction();
            for (var checkpoint : checkpoints) {
                for (var alert : checkpoint.alerts()) {
                    var headers = new RecordHeaders().add(ALERT_ID_HEADER, alert.id().getBytes(StandardCharsets.UTF_8));
                    producer.send(new ProducerRecord<>(config.alertsTopic(), null, alert.key().getBytes(StandardCharsets.UTF_8),
                            outlet.json(alert), headers));
                }
            }
            for (var letter : deadLetters) {
                var record = letter.record();
                var headers = new RecordHeaders(record.headers().toArray());
                headers.add(ERROR_HEADER, letter.reason().getBytes(StandardCharsets.UTF_8));
                headers.add(SOURCE_HEADER, (record.topic() + "/" + record.partition() + "/" + record.offset()).getBytes(StandardCharsets.UTF_8));
                producer.send(new ProducerRecord<>(deadLetterTopic, null, record.key(), record.value(), headers));
            }
            if (!offsets.isEmpty()) {
                producer.sendOffsetsToTransaction(offsets, group);
            }
            producer.commitTransaction();
            metrics.transaction(ruleSet, "committed");
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            metrics.transaction(ruleSet, "fenced");
            throw new StartOver("fenced by another instance: " + e.getMessage());
        } catch (KafkaException e) {
            metrics.transaction(ruleSet, "aborted");
            try {
                producer.abortTransaction();
            } catch (KafkaException ignored) {
                // Closing the producer next aborts what it has open.
            }
            throw e;
        }
    }

    private static Properties properties(KafkaConfig config, String ruleSet) {
        var props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.group(ruleSet) + "." + config.instanceId());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) config.transactionTimeout().toMillis());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "vigil-" + ruleSet + "-" + config.instanceId());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    /** Closes the producer, aborting a transaction it has open; waits up to 5 s. */
    @Override
    public void close() {
        try {
            producer.close(Duration.ofSeconds(5));
        } catch (KafkaException e) {
            LOG.debug("closing the producer of rule set '{}': {}", ruleSet, e.getMessage());
        }
    }
}
