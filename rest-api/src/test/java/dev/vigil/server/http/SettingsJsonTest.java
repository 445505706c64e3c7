package dev.vigil.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Rule set settings as the API takes them: each that sizes memory or time at both ends of its range. */
class SettingsJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode settings(String key, String value) throws Exception {
        return JSON.readTree("{\"" + key + "\": " + value + "}");
    }

    @ParameterizedTest(name = "{0}: {1} is taken, {3} is not")
    @CsvSource(delimiterString = " | ", value = {
            "queueCapacity | 1000000 | 1000000 | 1000001 | queueCapacity must be between 1 and 1000000, was 1000001",
            "queueCapacity | 1000000 | 1000000 | 2147483647 | queueCapacity must be between 1 and 1000000, was 2147483647",
            "queueCapacity | 1000000 | 1000000 | 2147483648 | must be between 1 and 1000000, was 2147483648",
            "queueCapacity | 1 | 1 | 0 | queueCapacity must be between 1 and 1000000, was 0",
            "maxFiringsPerStep | 1000000 | 1000000 | 1000001 | maxFiringsPerStep must be between 1 and 1000000, was 1000001",
            "maxFiringsPerStep | 1 | 1 | 0 | maxFiringsPerStep must be between 1 and 1000000, was 0",
            "lateness | '\"30d\"' | 2592000000ms | '\"30d1ms\"' | allowedLateness must be between 0ms and 30d, was 2592000001ms",
            "idleTimeout | '\"1d\"' | 86400000ms | '\"1d1ms\"' | idleTimeout must be between 0ms and 1d, was 86400001ms",
    })
    void aSettingAtTheEndOfItsRange_isTaken_andOneStepPastIs400NamingItAndTheRange(String key, String taken, String written,
                                                                                    String refused, String message) throws Exception {
        var parsed = SettingsJson.parse(settings(key, taken));
        var thrown = catchThrowableOfType(ApiException.class, () -> SettingsJson.parse(settings(key, refused)));

        assertThat(SettingsJson.write(parsed, JSON.createObjectNode()).get(key).asText()).isEqualTo(written);
        assertThat(thrown.status()).isEqualTo(400);
        assertThat(thrown.details()).isEqualTo(List.of(Map.of("field", "settings." + key, "message", message)));
    }
}
