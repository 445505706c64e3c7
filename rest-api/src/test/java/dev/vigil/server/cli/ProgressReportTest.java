package dev.vigil.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.engine.Engine;
import dev.vigil.engine.api.EngineConfig;
import dev.vigil.engine.api.ReplayOrder;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.server.TestDrl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressReportTest {
    private static final long SECOND = 1_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> transactions(int count) {
        var events = new ArrayList<JsonNode>();
        for (int i = count - 1; i >= 0; i--) {
            events.add(JSON.createObjectNode().put("type", "Transaction").put("time", 1_795_168_800_000L + i * 1_000L)
                    .put("accountId", "a1").put("amount", 10));
        }
        return events;
    }

    @Test
    void lines_sayTheSortWhileItRuns_thenItsEndOnce_thenTheEventsProcessed_onlyEveryInterval() {
        try (var engine = Engine.create(EngineConfig.defaults());
             var replay = engine.prepareReplay(RuleSetSource.of("fraud", Map.of("fraud.drl", TestDrl.BURST)), ReplayOrder.defaults())) {
            var report = new ProgressReport(replay.progress(), true, 1_000, () -> 250, () -> 0, Duration.ofSeconds(5), 0);

            assertThat(report.due(5 * SECOND - 1)).isEmpty();
            assertThat(report.due(5 * SECOND)).containsExactly("sorting: 0 events read (25% of the file)");
            replay.run(transactions(40).iterator(), null);

            assertThat(report.due(6 * SECOND)).containsExactly("sorted 40 events by event time in 6.0 s");
            assertThat(report.due(10 * SECOND - 1)).isEmpty();
            assertThat(report.due(10 * SECOND)).containsExactly("replayed 40 of 40 events (100%), 10 events/s, 0 s left");
            assertThat(report.due(15 * SECOND - 1)).isEmpty();
            assertThat(report.last(15 * SECOND - 1)).containsExactly("replayed 40 of 40 events (100%), 4 events/s, 0 s left");
        }
    }

    @Test
    void lines_ofAnInputTakenAsGiven_estimateTheTotalFromTheShareOfTheFileRead() {
        try (var engine = Engine.create(EngineConfig.defaults());
             var replay = engine.prepareReplay(RuleSetSource.of("fraud", Map.of("fraud.drl", TestDrl.BURST)),
                     ReplayOrder.defaults().withSorted(false))) {
            replay.run(transactions(40).iterator(), null);
            // Half the file read and 80 events in it: about 160 in all, 40 of them processed in 10 s.
            var report = new ProgressReport(replay.progress(), false, 1_000, () -> 500, () -> 80, Duration.ofSeconds(5), 0);

            assertThat(report.due(10 * SECOND)).containsExactly("replayed 40 events (about 25%), 4 events/s, about 30 s left");
            assertThat(report.bar(10 * SECOND)).startsWith("[=======                       ] replayed 40 events");
        }
    }

    @Test
    void timeLeft_readsAsSecondsMinutesOrHours() {
        assertThat(ProgressReport.timeLeft(59.4)).isEqualTo("59 s");
        assertThat(ProgressReport.timeLeft(60)).isEqualTo("1 min 0 s");
        assertThat(ProgressReport.timeLeft(3599)).isEqualTo("59 min 59 s");
        assertThat(ProgressReport.timeLeft(3600 + 5 * 60)).isEqualTo("1 h 5 min");
    }
}
