package dev.vigil.server.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.AlertContext;
import dev.vigil.engine.api.Severity;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The API's JSON shapes, written as a tree and straight to a generator. */
class ViewsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Views VIEWS = new Views(JSON);

    static List<Alert> alerts() {
        var attributes = new TreeMap<String, Object>();
        attributes.put("amount", 12.5);
        attributes.put("exact", new BigDecimal("1000.10"));
        attributes.put("count", 6L);
        attributes.put("cards", List.of("c1", "c2"));
        attributes.put("where", Map.of("country", "NL"));
        attributes.put("text", "quote \" and \u00e9");
        return List.of(
                new Alert("0a1b", "fraud", 3, "velocity", Severity.HIGH, "card-1", "6 transactions", Instant.parse("2026-11-20T10:00:00Z"),
                        Instant.parse("2026-11-20T10:00:00.123456789Z"), List.of("t6"),
                        new AlertContext(42, List.of("t2", "t3", "t4", "t5", "t6")), Map.of()),
                new Alert("2c3d", "fraud", 1, "large", Severity.LOW, "card-2", "", Instant.parse("2026-11-20T10:00:01.5Z"),
                        Instant.parse("2026-11-20T10:00:02Z"), List.of(), AlertContext.NONE, attributes));
    }

    @ParameterizedTest
    @MethodSource("alerts")
    void writeAlertFields_writesTheTextOfTheTree(Alert alert) throws Exception {
        var text = new StringWriter();
        try (var out = JSON.getFactory().createGenerator(text)) {
            out.writeStartObject();
            VIEWS.writeAlertFields(out, alert);
            out.writeEndObject();
        }

        assertThat(text.toString()).isEqualTo(VIEWS.alert(alert).toString());
    }

    @Test
    void alert_carriesTheTriggerAsEvidence_andWhatTheRuleConsultedAsContext() {
        var node = VIEWS.alert(alerts().get(0));

        assertThat(node.get("evidence").toString()).isEqualTo("[\"t6\"]");
        assertThat(node.get("context").toString()).isEqualTo("{\"events\":42,\"ids\":[\"t2\",\"t3\",\"t4\",\"t5\",\"t6\"]}");
        assertThat(VIEWS.alert(alerts().get(1)).get("context").toString()).isEqualTo("{\"events\":0,\"ids\":[]}");
    }
}
