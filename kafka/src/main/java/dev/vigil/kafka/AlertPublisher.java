package dev.vigil.kafka;

import dev.vigil.engine.api.Alert;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces the alerts of the rule sets that do not consume a topic (their events are posted) to the
 * alerts topic, once the server has stored them: an idempotent producer on a thread of its own
 * behind a bounded queue, so a broker that is away never holds up the alert store. These alerts are
 * in the store whatever happens here; when the queue is full they are counted and left out.
 */
final class AlertPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertPublisher.class);
    private static final int QUEUE = 10_000;

    private final KafkaConfig config;
    private final AlertOutlet outlet;
    private final KafkaMetrics metrics;
    private final ArrayBlockingQueue<Alert> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    private volatile boolean stopping;

    AlertPublisher(KafkaConfig config, AlertOutlet outlet, KafkaMetrics metrics) {
        this.config = config;
        this.outlet = outlet;
        this.metrics = metrics;
        this.thread = new Thread(this::run, "vigil-kafka-alerts");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a stored alert for the alerts topic; never waits. */
    void publish(Alert alert) {
        if (!queue.offer(alert) && dropped.incrementAndGet() % 1_000 == 1) {
            LOG.warn("{} alerts were not produced to {}: the broker does not keep up or is away (they are stored)", dropped.get(),
                    config.alertsTopic());
        }
    }

    private void run() {
        try {
            Topics.createMissing(config, List.of(config.alertsTopic()));
        } catch (RuntimeException e) {
            LOG.warn("the alerts topic {} could not be made sure of ({}); producing to it anyway", config.alertsTopic(), e.getMessage());
        }
        try (var producer = new KafkaProducer<byte[], byte[]>(properties())) {
            while (!stopping || !queue.isEmpty()) {
                var alert = queue.poll(100, TimeUnit.MILLISECONDS);
                if (alert == null) {
                    continue;
                }
                var headers = new RecordHeaders().add(AlertTransactions.ALERT_ID_HEADER, alert.id().getBytes(StandardCharsets.UTF_8));
                try {
                    producer.send(new ProducerRecord<>(config.alertsTopic(), null, alert.key().getBytes(StandardCharsets.UTF_8),
                            outlet.json(alert), headers), (meta, error) -> {
                                if (error == null) {
                                    metrics.alertsProduced(alert.ruleSet(), 1);
                                } else {
                                    LOG.warn("alert {} was not produced to {}: {}", alert.id(), config.alertsTopic(), error.getMessage());
                                }
                            });
                } catch (KafkaException e) {
                    LOG.warn("alert {} was not produced to {}: {}", alert.id(), config.alertsTopic(), e.getMessage());
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Properties properties() {
        var props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "vigil-alerts-" + config.instanceId());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    /** Produces what is queued, waiting up to 10 s, then stops. */
    @Override
    public void close() {
        stopping = true;
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
