package dev.vigil.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Where a takeover rebuilds from when the committed offset carries no Vigil commit point (the group
 * was committed by a tool, or by another consumer): the offset whose record timestamp lies the
 * rule set's retention before that of the last committed record, found with {@code offsetsForTimes}.
 * Record timestamps are the producers' and stand in for event times here only.
 */
final class TakeoverByTime {
    private static final Duration READ = Duration.ofSeconds(5);

    private TakeoverByTime() {
    }

    /** The point to rebuild from for a partition committed at {@code committed} without Vigil's metadata. */
    static CommitPoint point(Consumer<byte[], byte[]> consumer, KafkaConfig config, TopicPartition partition, long committed,
                             long retentionMillis) {
        if (committed <= 0) {
            return null;
        }
        long timestamp = timestampBefore(config, partition, committed);
        if (timestamp < 0) {
            return new CommitPoint(committed, committed, Long.MIN_VALUE, Long.MIN_VALUE);
        }
        var found = consumer.offsetsForTimes(Map.of(partition, Math.max(0, timestamp - retentionMillis))).get(partition);
        long from = found == null ? committed : Math.min(found.offset(), committed);
        return new CommitPoint(from, committed, Long.MIN_VALUE, Long.MIN_VALUE);
    }

    /** The timestamp of the last record before {@code offset}, -1 when none can be read. */
    private static long timestampBefore(KafkaConfig config, TopicPartition partition, long offset) {
        var props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (var probe = new KafkaConsumer<byte[], byte[]>(props)) {
            probe.assign(List.of(partition));
            probe.seek(partition, offset - 1);
            for (var record : probe.poll(READ).records(partition)) {
                return record.timestamp();
            }
            return -1;
        }
    }
}
