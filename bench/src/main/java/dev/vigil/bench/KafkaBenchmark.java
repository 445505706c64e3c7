package dev.vigil.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Vigil fed by Kafka on this machine, against the single-node broker of {@code bench/kafka/broker}:
 *
 * <ul>
 *   <li>{@code throughput}: W1's events from a topic to alerts, one instance and two in one group,
 *       beside the same events posted as NDJSON ({@link KafkaThroughput});
 *   <li>{@code failover}: the consumer lag of two instances under a steady stream when one is
 *       killed with SIGKILL ({@link KafkaFailover});
 *   <li>{@code takeover}: how long a new instance takes to rebuild a partition holding a full 60 s
 *       window after the instance that had it was killed ({@link KafkaTakeover}).
 * </ul>
 *
 * <p>Arguments: the parts to run (default all three), and {@code name=value} settings:
 * {@code events} (throughput, default 300,000), {@code rounds} (default 3), {@code rate} (events/s of
 * the steady streams, default 5,000), {@code seconds} (of the failover's stream, default 60) and
 * {@code timeouts} ({@code short}: {@code --kafka-session-timeout 6s --kafka-transaction-timeout 5s},
 * the default; {@code defaults}: the server's own, 10 s and 10 s). Instances are started as users
 * start them, with the {@code ./vigil} launcher.
 */
public final class KafkaBenchmark {
    private static final Set<String> PARTS = Set.of("throughput", "failover", "takeover");
    private static final Map<String, String> DEFAULTS = Map.of("events", "300000", "rounds", "3", "rate", "5000", "seconds", "60",
            "timeouts", "short");

    private KafkaBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        var parts = new ArrayList<String>();
        var settings = new LinkedHashMap<>(DEFAULTS);
        for (var arg : args) {
            int eq = arg.indexOf('=');
            if (eq > 0 && DEFAULTS.containsKey(arg.substring(0, eq))) {
                settings.put(arg.substring(0, eq), arg.substring(eq + 1));
            } else if (PARTS.contains(arg)) {
                parts.add(arg);
            } else {
                throw new IllegalArgumentException("unknown argument '" + arg + "': the parts are " + PARTS + ", the settings "
                        + DEFAULTS.keySet() + " as name=value");
            }
        }
        if (parts.isEmpty()) {
            parts.addAll(List.of("throughput", "failover", "takeover"));
        }
        var timeouts = switch (settings.get("timeouts")) {
            case "short" -> List.of("--kafka-session-timeout", "6s", "--kafka-transaction-timeout", "5s");
            case "defaults" -> List.<String>of();
            default -> throw new IllegalArgumentException("timeouts must be short or defaults, was " + settings.get("timeouts"));
        };
        var work = Files.createTempDirectory("vigil-kafka-bench");
        System.out.printf("work folder %s; %d cores; %s%n", work, Runtime.getRuntime().availableProcessors(), settings);
        try (var broker = BrokerProcess.start(work.resolve("broker"));
             var kafka = new KafkaCluster(broker.bootstrap())) {
            System.out.println("broker at " + broker.bootstrap());
            // Created here rather than by the first instance, so that every part can note where its alerts start.
            kafka.createTopic(KafkaCluster.ALERTS, 1);
            var serve = new ArrayList<>(List.of("--kafka-bootstrap", broker.bootstrap()));
            serve.addAll(timeouts);
            for (var part : parts) {
                var folder = Files.createDirectories(work.resolve(part));
                System.out.printf("%n%s: load average %s%n", part, loadAverage());
                switch (part) {
                    case "throughput" -> new KafkaThroughput(kafka, folder, integer(settings, "events"), integer(settings, "rounds"), serve).run();
                    case "failover" -> new KafkaFailover(kafka, folder, integer(settings, "rate"), integer(settings, "seconds"), serve,
                            Path.of("bench/results/kafka-failover-" + settings.get("timeouts") + ".csv")).run();
                    default -> new KafkaTakeover(kafka, folder, integer(settings, "rate"), serve).run();
                }
                System.out.printf("%s done: load average %s%n", part, loadAverage());
            }
        }
    }

    /** The Kafka timeouts of {@code serve} (the options after {@code --kafka-bootstrap HOST:PORT}), for the reports. */
    static String timeouts(List<String> serve) {
        return serve.size() > 2 ? String.join(" ", serve.subList(2, serve.size())) : "the server's default Kafka timeouts (10 s and 10 s)";
    }

    /** The machine's load averages over 1, 5 and 15 minutes: other work on the same cores shows there. */
    private static String loadAverage() throws IOException {
        var fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }

    private static int integer(Map<String, String> settings, String name) {
        return Integer.parseInt(settings.get(name).replace("_", "").replace(",", ""));
    }
}
