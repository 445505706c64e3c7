package dev.vigil.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;

/** The transport's meters: records consumed and dead-lettered, alerts produced, lag per partition, transactions. */
final class KafkaMetrics {
    private final MeterRegistry registry;

    KafkaMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void consumed(String ruleSet, int records) {
        counter("vigil.kafka.records.consumed", "records read from the topic", ruleSet).increment(records);
    }

    void deadLettered(String ruleSet, int records) {
        counter("vigil.kafka.records.dead.lettered", "records that were not events, sent to the dead-letter topic", ruleSet)
                .increment(records);
    }

    void alertsProduced(String ruleSet, int alerts) {
        counter("vigil.kafka.alerts.produced", "alerts produced to the alerts topic", ruleSet).increment(alerts);
    }

    void transaction(String ruleSet, String outcome) {
        Counter.builder("vigil.kafka.transactions").description("transactions of alerts and offsets, by outcome")
                .tag("ruleSet", ruleSet).tag("outcome", outcome).register(registry).increment();
    }

    /** Reports the lag {@code lag} reads for {@code partition} until {@link #forget}. */
    void lag(String ruleSet, TopicPartition partition, Supplier<Number> lag) {
        Gauge.builder("vigil.kafka.consumer.lag", lag).description("records behind the end of an assigned partition")
                .tag("ruleSet", ruleSet).tag("topic", partition.topic()).tag("partition", Integer.toString(partition.partition()))
                .strongReference(true).register(registry);
    }

    void forget(String ruleSet, TopicPartition partition) {
        var gauge = registry.find("vigil.kafka.consumer.lag").tag("ruleSet", ruleSet).tag("topic", partition.topic())
                .tag("partition", Integer.toString(partition.partition())).gauge();
        if (gauge != null) {
            registry.remove(gauge);
        }
    }

    void connected(Supplier<Number> connected) {
        Gauge.builder("vigil.kafka.connected", connected).description("1 when the last look found the Kafka cluster, else 0")
                .strongReference(true).register(registry);
    }

    private Counter counter(String name, String description, String ruleSet) {
        return Counter.builder(name).description(description).tag("ruleSet", ruleSet).register(registry);
    }
}
