package dev.vigil.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.Partitioning;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.samples.fraud.FraudGenerator;
import dev.vigil.samples.monitoring.MonitoringGenerator;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The sample rule sets, replayed over their generators' traffic partitioned at P = 1, 2 and 4,
 * raise the alerts they raise in one session, with the same ids.
 */
@Tag("slow")
class PartitionedSamplesTest {
    @Test
    void fraud_partitionedByCard_raisesTheAlertsOfOneSession() throws Exception {
        var events = new StringWriter();
        new FraudGenerator(new FraudGenerator.Settings(11, 400, 8, Instant.parse("2026-01-05T00:00:00Z"))).write(events, new StringWriter());
        // Fraud reports have no key: they go to every partition, where the terminal rule joins them with that partition's cards.
        sameAlerts(RuleFolder.load(Path.of("..", "rules", "fraud")), Partitioning.by(Map.of("Transaction", "cardId")), events.toString(),
                Instant.parse("2026-02-01T00:00:00Z"));
    }

    @Test
    void monitoring_partitionedByHostAndService_raisesTheAlertsOfOneSession() throws Exception {
        var events = new StringWriter();
        new MonitoringGenerator(new MonitoringGenerator.Settings(3, 3, 2, 1, Instant.parse("2026-03-02T00:00:00Z"))).write(events);
        sameAlerts(RuleFolder.load(Path.of("..", "rules", "monitoring")),
                Partitioning.by(Map.of("Metric", "host", "Heartbeat", "host", "Request", "service")), events.toString(), null);
    }

    private static void sameAlerts(RuleSetSource rules, Partitioning key, String events, Instant until) {
        var expected = alerts(rules, events, until);
        assertThat(expected).as("the sample must raise alerts to compare").hasSizeGreaterThanOrEqualTo(3);
        for (int partitions : new int[] {1, 2, 4}) {
            var partitioned = rules.withSettings(rules.settings().withPartitioning(key.withPartitions(partitions)));
            assertThat(alerts(partitioned, events, until)).as("P = %d", partitions).containsExactlyElementsOf(expected);
        }
    }

    private static List<String> alerts(RuleSetSource rules, String events, Instant until) {
        return Replays.alerts(rules, new ByteArrayInputStream(events.getBytes(StandardCharsets.UTF_8)), until).stream()
                .sorted(Comparator.comparing(Alert::id))
                .map(a -> a.id() + " " + a.rule() + " " + a.key() + " " + a.eventTime() + " " + a.evidence() + " " + a.context())
                .toList();
    }
}
