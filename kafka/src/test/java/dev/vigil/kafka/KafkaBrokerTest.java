package dev.vigil.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The test broker itself: its transaction state log works with one replica, so transactions commit and abort. */
@Tag("slow")
class KafkaBrokerTest {
    private final KafkaBroker broker = KafkaBroker.shared();

    @Test
    void sharedBroker_transactions_readCommittedConsumerReadsTheCommittedRecordsOnly() {
        broker.createTopic("broker-test", 2);
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "broker-test-tx"),
                new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("broker-test", 0, "card-1", "aborted"));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("broker-test", 0, "card-1", "one"));
            producer.send(new ProducerRecord<>("broker-test", 1, "card-2", "two"));
            producer.send(new ProducerRecord<>("broker-test", 0, "card-1", "three"));
            producer.commitTransaction();
        }

        var records = new ArrayList<ConsumerRecord<String, String>>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "broker-test-group",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("broker-test"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= 3;
            });
        }

        assertThat(records)
                .extracting(ConsumerRecord::partition, ConsumerRecord::key, ConsumerRecord::value)
                .containsExactlyInAnyOrder(tuple(0, "card-1", "one"), tuple(1, "card-2", "two"), tuple(0, "card-1", "three"));
        assertThat(records).filteredOn(r -> r.partition() == 0).extracting(ConsumerRecord::value).containsExactly("one", "three");
    }
}
