package dev.vigil.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.engine.api.EventField;
import dev.vigil.engine.api.EventInput;
import dev.vigil.engine.api.EventInputException;
import dev.vigil.engine.api.EventType;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventReadersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EventType READING = new EventType("Reading", "ops", List.of(new EventField("id", "String"),
            new EventField("time", "long"), new EventField("host", "String"), new EventField("value", "double"),
            new EventField("count", "int"), new EventField("up", "boolean"), new EventField("seen", "java.util.Date")), "time", null, null, null);

    private static ByteArrayInputStream in(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<JsonNode> all(EventInput input) {
        var out = new ArrayList<JsonNode>();
        try (input) {
            input.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void ndjson_skipsBlankLines_andTakesCrlf() {
        var events = all(EventReaders.ndjson(in("{\"id\":\"a\"}\r\n\r\n   \n{\"id\":\"b\"}\r\n"), JSON));

        assertThat(events).extracting(e -> e.get("id").asText()).containsExactly("a", "b");
    }

    @Test
    void ndjson_readsWithAMapperThatRefusesTrailingTokens() {
        var strict = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

        assertThat(all(EventReaders.ndjson(in("{\"id\":\"a\"}\n{\"id\":\"b\"}\n"), strict))).hasSize(2);
    }

    @Test
    void ndjson_aLineThatIsNotAnObject_isNamedByItsNumber() {
        var input = EventReaders.ndjson(in("{\"id\":\"a\"}\n\n{\"id\":\n[1]\n"), JSON);

        assertThat(input.next().get("id").asText()).isEqualTo("a");
        assertThatThrownBy(input::hasNext).isInstanceOf(EventInputException.class).hasMessageStartingWith("line 3: not JSON")
                .satisfies(e -> assertThat(((EventInputException) e).line()).isEqualTo(3));
        var arrays = EventReaders.ndjson(in("[1]\n"), JSON);
        assertThatThrownBy(arrays::hasNext).hasMessage("line 1: an event must be a JSON object");
    }

    @Test
    void csv_convertsEachColumnToItsDeclaredType_andEachTimeFormat() {
        var events = all(EventReaders.csv(in("""
                id,ts,host,value,count,up,note
                r1,2026-11-20T10:00:00Z,h1,1.5,3,true,hello
                r2,2026-11-20 10:00:01,h2,2,,FALSE,
                r3,1795168802000,h3,-0.25,7,false,x
                r4,2026-11-20T11:00:03+01:00,h4,0,0,true,y
                r5,2026-11-20T10:00:04,h5,0,0,true,y
                """), READING, "ts", JSON));

        assertThat(events).extracting(e -> e.get("time").asLong()).containsExactly(1795168800000L, 1795168801000L, 1795168802000L,
                1795168803000L, 1795168804000L);
        var first = events.get(0);
        assertThat(first.get("type").asText()).isEqualTo("Reading");
        assertThat(first.get("value").isNumber()).isTrue();
        assertThat(first.get("value").decimalValue()).isEqualByComparingTo("1.5");
        assertThat(first.get("count").isIntegralNumber()).isTrue();
        assertThat(first.get("up").booleanValue()).isTrue();
        assertThat(first.get("note").asText()).isEqualTo("hello");
        assertThat(first.has("ts")).isFalse();
        assertThat(events.get(1).has("count")).isFalse();
        assertThat(events.get(1).get("up").booleanValue()).isFalse();
        assertThat(events.get(1).has("note")).isFalse();
    }

    @Test
    void csv_aDateColumn_takesEachTimeFormat_asEpochMilliseconds() {
        var events = all(EventReaders.csv(in("""
                id,ts,seen
                r1,1000,2026-11-20T10:00:00Z
                r2,2000,2026-11-20 10:00:01
                r3,3000,1795168802000
                """), READING, "ts", JSON));

        assertThat(events).extracting(e -> e.get("seen").asLong()).containsExactly(1795168800000L, 1795168801000L, 1795168802000L);
        assertThatThrownBy(() -> all(EventReaders.csv(in("id,ts,seen\nr1,1000,soon\n"), READING, "ts", JSON)))
                .hasMessageStartingWith("line 2, column 'seen': 'soon' is not a time");
    }

    @Test
    void csv_aBadValue_isNamedByLineAndColumn() {
        var input = EventReaders.csv(in("id,ts,value,up\nr1,1000,1.5,true\nr2,2000,lots,true\n"), READING, "ts", JSON);

        assertThat(input.next().get("id").asText()).isEqualTo("r1");
        assertThatThrownBy(input::next).isInstanceOf(EventInputException.class)
                .hasMessage("line 3, column 'value': 'lots' is not a number (field value is double)");
        assertThatThrownBy(() -> all(EventReaders.csv(in("id,ts,up\nr1,1000,yes\n"), READING, "ts", JSON)))
                .hasMessage("line 2, column 'up': 'yes' is not true or false (field up is boolean)");
        assertThatThrownBy(() -> all(EventReaders.csv(in("id,ts\nr1,yesterday\n"), READING, "ts", JSON)))
                .hasMessageStartingWith("line 2, column 'ts': 'yesterday' is not a time");
    }

    @Test
    void csv_aTimePastTheMillisecondsOfALong_isNamedByLineAndColumn() {
        for (var time : List.of("99999999999999999999", "+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z")) {
            assertThatThrownBy(() -> all(EventReaders.csv(in("id,ts\nr1,1000\nr2," + time + "\n"), READING, "ts", JSON))).as(time)
                    .isInstanceOf(EventInputException.class).hasMessage("line 3, column 'ts': '" + time
                            + "' is beyond the range of times, 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z");
        }
        assertThatThrownBy(() -> all(EventReaders.csv(in("id,ts,seen\nr1,1000,+999999999-12-31T23:59:59Z\n"), READING, "ts", JSON)))
                .isInstanceOf(EventInputException.class).hasMessageStartingWith("line 2, column 'seen': '+999999999-12-31T23:59:59Z' is beyond");
    }

    @Test
    void csv_withoutTheTimeColumn_listsTheColumns() {
        assertThatThrownBy(() -> EventReaders.csv(in("id,when,value\nr1,1000,1\n"), READING, "ts", JSON))
                .isInstanceOf(EventInputException.class).hasMessageContaining("no time column 'ts'").hasMessageContaining("[id, when, value]");
    }

    @Test
    void array_givesTheElements() throws Exception {
        var events = all(EventReaders.array(JSON.readTree("[{\"id\":\"a\"},{\"id\":\"b\"}]")));

        assertThat(events).hasSize(2);
    }
}
