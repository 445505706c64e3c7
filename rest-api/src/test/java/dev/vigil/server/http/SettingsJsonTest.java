package dev.vigil.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.engine.api.EventSource;
import dev.vigil.engine.api.Partitioning;
import dev.vigil.engine.api.RuleSetSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Rule set settings as the API takes them: each that sizes memory or time at both ends of its range,
 * the partitioning, and the source of the events.
 */
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
            "partitions | 256 | 256 | 257 | must be between 1 and 256, was 257",
            "partitions | 1 | 1 | 0 | must be between 1 and 256, was 0",
    })
    void aSettingAtTheEndOfItsRange_isTaken_andOneStepPastIs400NamingItAndTheRange(String key, String taken, String written,
                                                                                    String refused, String message) throws Exception {
        var parsed = SettingsJson.parse(settings(key, taken));
        var thrown = catchThrowableOfType(ApiException.class, () -> SettingsJson.parse(settings(key, refused)));

        assertThat(SettingsJson.write(parsed, JSON.createObjectNode()).get(key).asText()).isEqualTo(written);
        assertThat(thrown.status()).isEqualTo(400);
        assertThat(thrown.details()).isEqualTo(List.of(Map.of("field", "settings." + key, "message", message)));
    }

    private static ApiException refused(String json) throws Exception {
        var settings = JSON.readTree(json);
        return catchThrowableOfType(ApiException.class, () -> SettingsJson.parse(settings));
    }

    private static JsonNode roundTrip(String json) throws Exception {
        return SettingsJson.write(SettingsJson.parse(JSON.readTree(json)), JSON.createObjectNode());
    }

    @Test
    void partitionBy_oneFieldForEveryType_orAFieldPerType_isParsed_andWrittenAsItWasGiven() throws Exception {
        var one = SettingsJson.parse(JSON.readTree("{\"partitions\": 4, \"partitionBy\": \"cardId\"}"));
        var perType = SettingsJson.parse(JSON.readTree(
                "{\"partitionBy\": {\"Transaction\": \"cardId\", \"FraudReport\": \"cardId\"}, \"acceptCrossKeyJoins\": true}"));

        assertThat(one.partitioning()).isEqualTo(new Partitioning(Map.of(), "cardId", 4, false));
        assertThat(perType.partitioning())
                .isEqualTo(new Partitioning(Map.of("Transaction", "cardId", "FraudReport", "cardId"), null, 0, true));
        assertThat(roundTrip("{\"partitionBy\": \"cardId\", \"partitions\": 4}").toString())
                .endsWith("\"partitionBy\":\"cardId\",\"partitions\":4}");
        assertThat(roundTrip("{\"partitionBy\": {\"Transaction\": \"cardId\", \"*\": \"host\"}, \"acceptCrossKeyJoins\": true}").toString())
                .endsWith("\"partitionBy\":{\"Transaction\":\"cardId\",\"*\":\"host\"},\"acceptCrossKeyJoins\":true}");
    }

    @Test
    void partitions_withoutAKey_isKept_forTheEngineToTakeTheKeyFromTheRules() throws Exception {
        var settings = SettingsJson.parse(JSON.readTree("{\"partitions\": 2}"));

        assertThat(settings.partitioning()).isEqualTo(Partitioning.NONE.withPartitions(2));
        assertThat(roundTrip("{\"partitions\": 2}").has("partitionBy")).isFalse();
        assertThat(roundTrip("{\"partitions\": 2}").get("partitions").asInt()).isEqualTo(2);
    }

    @Test
    void anUnpartitionedRuleSet_writesNoneOfThePartitionSettings() {
        var written = SettingsJson.write(RuleSetSettings.DEFAULTS, JSON.createObjectNode());

        assertThat(written.has("partitionBy")).isFalse();
        assertThat(written.has("partitions")).isFalse();
        assertThat(written.has("acceptCrossKeyJoins")).isFalse();
    }

    @Test
    void aBadPartitionKey_is400_namingEachBadEntryByItsType() throws Exception {
        var perType = refused("{\"partitionBy\": {\"Transaction\": \"card id\", \"2x\": \"cardId\", \"FraudReport\": 7, \"Login\": \"userId\"}}");
        var notAKey = refused("{\"partitionBy\": 5}");
        var empty = refused("{\"partitionBy\": \"\"}");
        var notABoolean = refused("{\"acceptCrossKeyJoins\": \"yes\"}");

        assertThat(perType.status()).isEqualTo(400);
        assertThat(perType.details()).isEqualTo(List.of(
                Map.of("field", "settings.partitionBy.Transaction", "message", "partitionBy.Transaction must name a field, was 'card id'"),
                Map.of("field", "settings.partitionBy.2x", "message", "'2x' is not an event type name"),
                Map.of("field", "settings.partitionBy.FraudReport", "message", "must be a field name")));
        assertThat(notAKey.details()).isEqualTo(List.of(Map.of("field", "settings.partitionBy", "message",
                "must be a field name, or an object of event type to field name such as {\"Transaction\": \"cardId\"}")));
        assertThat(empty.details()).isEqualTo(List.of(Map.of("field", "settings.partitionBy", "message", "partitionBy must name a field, was ''")));
        assertThat(notABoolean.details()).isEqualTo(List.of(Map.of("field", "settings.acceptCrossKeyJoins", "message", "must be true or false")));
    }

    @Test
    void aPartitionKey_onTheRealtimeClock_is400() throws Exception {
        var thrown = refused("{\"clock\": \"realtime\", \"partitionBy\": \"host\"}");

        assertThat(thrown.details()).isEqualTo(List.of(Map.of("field", "settings.partitionBy",
                "message", "a rule set is partitioned only on clock \"event-time\"; this one is \"realtime\"")));
    }

    @Test
    void aKafkaSource_isParsed_andWrittenBack_itsOptionsInTheOrderOfTheirNames() throws Exception {
        var settings = SettingsJson.parse(JSON.readTree("{\"source\": {\"kafka\": {\"topic\": \"payments\", \"startAt\": \"latest\"}}}"));

        assertThat(settings.source()).isEqualTo(new EventSource("kafka", Map.of("topic", "payments", "startAt", "latest")));
        assertThat(roundTrip("{\"source\": {\"kafka\": {\"topic\": \"payments\", \"startAt\": \"latest\"}}}").get("source").toString())
                .as("the options in the order of their names, the same in every run")
                .isEqualTo("{\"kafka\":{\"startAt\":\"latest\",\"topic\":\"payments\"}}");
        assertThat(SettingsJson.parse(roundTrip("{\"source\": {\"kafka\": {\"topic\": \"payments\"}}}"))).isEqualTo(
                SettingsJson.parse(JSON.readTree("{\"source\": {\"kafka\": {\"topic\": \"payments\"}}}")));
    }

    @Test
    void aKafkaSourceWithoutStartAt_startsAtTheEarliestRecord() throws Exception {
        var settings = SettingsJson.parse(JSON.readTree("{\"source\": {\"kafka\": {\"topic\": \"payments\"}}}"));

        assertThat(settings.source().option("startAt")).isEqualTo("earliest");
        assertThat(roundTrip("{\"source\": {\"kafka\": {\"topic\": \"payments\"}}}").get("source").get("kafka").get("startAt").asText())
                .isEqualTo("earliest");
    }

    @Test
    void withoutASource_orWithANullOne_theEventsArePostedToTheApi_andNoSourceIsWritten() throws Exception {
        var absent = SettingsJson.parse(JSON.readTree("{\"lateness\": \"1s\"}"));
        var nothing = SettingsJson.parse(JSON.readTree("{\"source\": null}"));

        assertThat(absent.source()).isEqualTo(EventSource.API);
        assertThat(absent.source().isApi()).isTrue();
        assertThat(nothing.source()).isEqualTo(EventSource.API);
        assertThat(SettingsJson.write(absent, JSON.createObjectNode()).has("source")).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " | ", quoteCharacter = '`', value = {
            "{\"kafka\": {\"topic\": \"payments\", \"group\": \"mine\"}} | source.kafka.group is not an option; the options are topic and startAt",
            "{\"kafka\": {\"topic\": \"pay ments\"}} | source.kafka.topic must be a Kafka topic name (1 to 249 of a-z, A-Z, 0-9, '.', '_', '-'), was 'pay ments'",
            "{\"kafka\": {\"topic\": \"..\"}} | source.kafka.topic must be a Kafka topic name (1 to 249 of a-z, A-Z, 0-9, '.', '_', '-'), was '..'",
            "{\"kafka\": {\"topic\": \"\"}} | source.kafka.topic must be a Kafka topic name (1 to 249 of a-z, A-Z, 0-9, '.', '_', '-'), was ''",
            "{\"kafka\": {}} | source.kafka.topic is required: the topic the rule set consumes",
            "{\"kafka\": {\"topic\": \"payments\", \"startAt\": \"now\"}} | source.kafka.startAt must be earliest or latest, was 'now'",
            "{\"kafka\": {\"topic\": 7}} | kafka.topic must be a string",
            "{\"kafka\": \"payments\"} | kafka must be an object such as {\"topic\": \"payments\"}",
            "{\"redis\": {\"stream\": \"payments\"}} | must be {\"kafka\": {\"topic\": \"...\"}}: the Kafka topic the rule set consumes",
            "\"payments\" | must be {\"kafka\": {\"topic\": \"...\"}}: the Kafka topic the rule set consumes",
    })
    void aBadSource_is400NamingSettingsSource_andWhatIsWrong(String source, String message) throws Exception {
        var thrown = refused("{\"source\": " + source + "}");

        assertThat(thrown.status()).isEqualTo(400);
        assertThat(thrown.details()).isEqualTo(List.of(Map.of("field", "settings.source", "message", message)));
    }

    @Test
    void aKafkaSource_onTheRealtimeClock_is400() throws Exception {
        var thrown = refused("{\"clock\": \"realtime\", \"source\": {\"kafka\": {\"topic\": \"payments\"}}}");

        assertThat(thrown.status()).isEqualTo(400);
        assertThat(thrown.details()).isEqualTo(List.of(Map.of("field", "settings.source", "message",
                "a rule set consumes a topic only on clock \"event-time\" (a takeover replays the topic); this one is \"realtime\"")));
    }
}
