import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces the events of an NDJSON file (one Vigil event per line, as {@code POST /api/v1/events}
 * takes them) to a topic, each keyed by one of its fields: the rule set's partition key, so that
 * all of a key's events land in one partition. Run by ./produce-events.
 */
public final class ProduceEvents {
    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("usage: produce-events BOOTSTRAP TOPIC KEY-FIELD FILE.ndjson");
            System.exit(2);
        }
        var json = new ObjectMapper();
        var props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        long sent = 0;
        long unkeyed = 0;
        try (var producer = new KafkaProducer<byte[], byte[]>(props);
             BufferedReader lines = Files.newBufferedReader(Path.of(args[3]), StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = lines.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                var key = json.readTree(line).path(args[2]);
                byte[] keyBytes = null;
                if (key.isMissingNode() || key.isNull() || key.asText().isEmpty()) {
                    unkeyed++;
                } else {
                    keyBytes = key.asText().getBytes(StandardCharsets.UTF_8);
                }
                producer.send(new ProducerRecord<>(args[1], keyBytes, line.getBytes(StandardCharsets.UTF_8)));
                sent++;
                if (number % 100_000 == 0) {
                    System.err.println(number + " lines");
                }
            }
        }
        System.err.println(sent + " events produced to " + args[1] + (unkeyed == 0 ? "" : ", " + unkeyed + " without a " + args[2]
                + " (no key: Kafka spreads them over the partitions)"));
    }
}
