package dev.vigil.server.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EventReaders;
import dev.vigil.engine.api.EngineConfig;
import dev.vigil.engine.api.RuleSetSource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A replay's events per bucket of event time, for a timeline of input the editor does not hold. */
class EventTimelineTest {
    private final ObjectMapper json = new ObjectMapper();

    private static long at(String time) {
        return Instant.parse(time).toEpochMilli();
    }

    @Test
    void eventsOfATypeTimedByAnotherField_areCountedByTheTimeTheReplayGivesThem() {
        var drl = """
                package t;
                declare Reading
                    @role(event)
                    @timestamp(at)
                    id : String
                    at : long
                end
                """;
        try (var engine = Engine.create(EngineConfig.defaults());
                var prepared = engine.prepareReplay(RuleSetSource.of("t", Map.of("t.drl", drl)))) {
            var timeline = new EventTimeline();
            List<JsonNode> events = List.of(
                    json.createObjectNode().put("type", "Reading").put("at", at("2026-11-20T10:00:00.200Z")),
                    json.createObjectNode().put("type", "Reading").put("at", at("2026-11-20T10:00:02Z")),
                    json.createObjectNode().put("type", "Reading").put("at", at("2026-11-20T10:00:02Z"))
                            .put("time", "2026-11-20T10:00:03Z"),
                    json.createObjectNode().put("type", "Reading"));
            timeline.counting(events.iterator(), prepared::eventTime).forEachRemaining(e -> { });

            var view = timeline.view(json);

            assertThat(view.get("start").asText()).isEqualTo("2026-11-20T10:00:00Z");
            assertThat(view.get("events").toString()).as("by at; a time given beside it wins, as it does in the replay")
                    .isEqualTo("[1,0,1,1]");
        }
    }

    @Test
    void eventsWithinSeconds_areCountedPerSecond_fromTheFirstOnesSecond() {
        var timeline = new EventTimeline();
        List<JsonNode> events = List.of(json.createObjectNode().put("time", "2026-11-20T10:00:00.200Z"),
                json.createObjectNode().put("time", "2026-11-20T10:00:00.900Z"),
                json.createObjectNode().put("time", at("2026-11-20T10:00:03Z")),
                json.createObjectNode().put("type", "NoTime"));
        timeline.counting(events.iterator(), EventReaders::timeOf).forEachRemaining(e -> { });

        var view = timeline.view(json);

        assertThat(view.get("start").asText()).isEqualTo("2026-11-20T10:00:00Z");
        assertThat(view.get("widthMs").asLong()).isEqualTo(1000);
        assertThat(view.get("events").toString()).isEqualTo("[2,0,0,1]");
    }

    @Test
    void eventsOverThreeHours_areCountedPerFiveMinutes_inAtMost120Buckets() {
        var timeline = new EventTimeline();
        timeline.add(at("2026-11-20T10:00:00Z"));
        timeline.add(at("2026-11-20T10:04:59.999Z"));
        timeline.add(at("2026-11-20T10:05:00Z"));
        timeline.add(at("2026-11-20T13:00:00Z"));

        var view = timeline.view(json);

        assertThat(view.get("widthMs").asLong()).isEqualTo(300_000);
        assertThat(view.get("events")).hasSize(37);
        assertThat(view.get("events").get(0).asLong()).isEqualTo(2);
        assertThat(view.get("events").get(1).asLong()).isEqualTo(1);
        assertThat(view.get("events").get(36).asLong()).isEqualTo(1);
    }

    @Test
    void timesFrom1970To9999_stillGiveAtMost120Buckets() {
        var timeline = new EventTimeline();
        timeline.add(0);
        timeline.add(at("9999-12-31T23:59:59.999Z"));

        assertThat(timeline.view(json).get("events").size()).isBetween(2, EventTimeline.MAX_BUCKETS);
    }
}
