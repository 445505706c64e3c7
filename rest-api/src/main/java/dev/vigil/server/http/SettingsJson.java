package dev.vigil.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.dsl.Durations;
import dev.vigil.engine.api.AlertBudget;
import dev.vigil.engine.api.ClockMode;
import dev.vigil.engine.api.EventSource;
import dev.vigil.engine.api.LatePolicy;
import dev.vigil.engine.api.Partitioning;
import dev.vigil.engine.api.RuleSetSettings;
import dev.vigil.kafka.TopicSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A rule set's settings as the API writes them:
 * {@code {"clock": "event-time", "lateness": "2s", "latePolicy": "process", "idleTimeout": "1s",
 * "allowUnknownFields": false, "queueCapacity": 100000, "maxFiringsPerStep": 10000, "maxAlertsPerEvent": 100,
 * "maxAlertsPerSecond": 1000, "partitionBy": {"Transaction": "cardId"}, "partitions": 4,
 * "acceptCrossKeyJoins": false, "source": {"kafka": {"topic": "payments", "startAt": "earliest"}}}}, all
 * optional. The alert limits, when not given, are the server's. Without {@code source} the rule set
 * takes the events posted to the API; with one it consumes that Kafka topic instead.
 *
 * <p>{@code partitionBy} is one field name for every event type ({@code "cardId"}), or an object of
 * event type to field ({@code {"Transaction": "cardId", "FraudReport": "cardId"}}) in which the key
 * {@code "*"} gives the field of every type not named. {@code partitions}, when not given, is the
 * number of cores.
 */
public final class SettingsJson {
    private static final Set<String> KEYS = Set.of("clock", "lateness", "latePolicy", "idleTimeout", "allowUnknownFields",
            "queueCapacity", "maxFiringsPerStep", "maxAlertsPerEvent", "maxAlertsPerSecond", "partitionBy", "partitions",
            "acceptCrossKeyJoins", "source");
    /** In an object {@code partitionBy}: the field of every event type the object does not name. */
    private static final String EVERY_OTHER_TYPE = "*";
    private static final Pattern TYPE_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

    private SettingsJson() {
    }

    /** The settings {@code json} describes (null: the defaults); 400 listing every bad key otherwise. */
    public static RuleSetSettings parse(JsonNode json) {
        var settings = RuleSetSettings.DEFAULTS;
        if (json == null || json.isNull()) {
            return settings;
        }
        if (!json.isObject()) {
            throw ApiException.badRequest("settings must be a JSON object");
        }
        var problems = new ArrayList<Map<String, String>>();
        var names = json.fieldNames();
        while (names.hasNext()) {
            var key = names.next();
            var value = json.get(key);
            try {
                settings = switch (key) {
                    case "clock" -> settings.withClockMode(switch (value.asText()) {
                        case "event-time" -> ClockMode.EVENT_TIME;
                        case "realtime" -> ClockMode.REALTIME;
                        default -> throw new IllegalArgumentException("must be \"event-time\" or \"realtime\"");
                    });
                    case "lateness" -> settings.withAllowedLateness(Durations.parse(text(value)));
                    case "idleTimeout" -> settings.withIdleTimeout(Durations.parse(text(value)));
                    case "latePolicy" -> settings.withLatePolicy(switch (value.asText()) {
                        case "process" -> LatePolicy.PROCESS;
                        case "drop" -> LatePolicy.DROP;
                        default -> throw new IllegalArgumentException("must be \"process\" or \"drop\"");
                    });
                    case "allowUnknownFields" -> settings.withAllowUnknownFields(bool(value));
                    case "queueCapacity" -> settings.withQueueCapacity(integer(value, RuleSetSettings.MAX_QUEUE_CAPACITY));
                    case "maxFiringsPerStep" -> settings.withMaxFiringsPerStep(integer(value, RuleSetSettings.MAX_FIRINGS_PER_STEP));
                    case "maxAlertsPerEvent" -> settings.withAlertBudget(settings.alertBudget().withPerEvent(alertLimit(value)));
                    case "maxAlertsPerSecond" -> settings.withAlertBudget(settings.alertBudget().withPerSecond(alertLimit(value)));
                    case "partitionBy" -> settings.withPartitioning(partitionBy(value, settings.partitioning(), problems));
                    case "partitions" -> settings.withPartitioning(settings.partitioning().withPartitions(partitions(value)));
                    case "acceptCrossKeyJoins" -> settings.withPartitioning(settings.partitioning().withAcceptCrossKeyJoins(bool(value)));
                    case "source" -> settings.withSource(source(value));
                    default -> throw new IllegalArgumentException("is not a setting; the settings are " + KEYS.stream().sorted().toList());
                };
            } catch (IllegalArgumentException e) {
                problems.add(Map.of("field", "settings." + key, "message", e.getMessage()));
            }
        }
        if (settings.partitioning().isPartitioned() && settings.clockMode() == ClockMode.REALTIME) {
            problems.add(Map.of("field", "settings.partitionBy",
                    "message", "a rule set is partitioned only on clock \"event-time\"; this one is \"realtime\""));
        }
        if (!settings.source().isApi() && settings.clockMode() == ClockMode.REALTIME) {
            problems.add(Map.of("field", "settings.source",
                    "message", "a rule set consumes a topic only on clock \"event-time\" (a takeover replays the topic); this one is \"realtime\""));
        }
        if (!problems.isEmpty()) {
            throw new ApiException(400, "invalid_settings", "the settings are not valid", problems);
        }
        return settings;
    }

    /** {@code {"kafka": {"topic": "payments", "startAt": "earliest"}}}: the one transport there is besides the API. */
    private static EventSource source(JsonNode value) {
        if (value == null || value.isNull()) {
            return EventSource.API;
        }
        if (!value.isObject() || value.size() != 1 || !value.has(TopicSource.TRANSPORT)) {
            throw new IllegalArgumentException("must be {\"kafka\": {\"topic\": \"...\"}}: the Kafka topic the rule set consumes");
        }
        var kafka = value.get(TopicSource.TRANSPORT);
        if (!kafka.isObject()) {
            throw new IllegalArgumentException("kafka must be an object such as {\"topic\": \"payments\"}");
        }
        var options = new LinkedHashMap<String, String>();
        kafka.properties().forEach(option -> {
            if (!option.getValue().isTextual()) {
                throw new IllegalArgumentException("kafka." + option.getKey() + " must be a string");
            }
            options.put(option.getKey(), option.getValue().asText());
        });
        return TopicSource.parse(options).toEventSource();
    }

    /**
     * {@code current} partitioned by the key {@code value} names; each bad entry of an object is
     * added to {@code problems} under its own field ({@code settings.partitionBy.Transaction}).
     */
    private static Partitioning partitionBy(JsonNode value, Partitioning current, List<Map<String, String>> problems) {
        if (value.isTextual()) {
            return new Partitioning(Map.of(), value.asText(), current.partitions(), current.acceptCrossKeyJoins());
        }
        if (!value.isObject()) {
            throw new IllegalArgumentException("must be a field name, or an object of event type to field name such as "
                    + "{\"Transaction\": \"cardId\"}");
        }
        var byType = new HashMap<String, String>();
        String allTypes = null;
        boolean bad = false;
        for (var entry : value.properties()) {
            var type = entry.getKey();
            try {
                var field = partitionField(type, entry.getValue());
                if (type.equals(EVERY_OTHER_TYPE)) {
                    allTypes = field;
                } else {
                    byType.put(type, field);
                }
            } catch (IllegalArgumentException e) {
                problems.add(Map.of("field", "settings.partitionBy." + type, "message", e.getMessage()));
                bad = true;
            }
        }
        return bad ? current : new Partitioning(byType, allTypes, current.partitions(), current.acceptCrossKeyJoins());
    }

    /** The key field {@code value} gives event type {@code type} (or {@value #EVERY_OTHER_TYPE}), checked as the engine checks it. */
    private static String partitionField(String type, JsonNode value) {
        if (!type.equals(EVERY_OTHER_TYPE) && !TYPE_NAME.matcher(type).matches()) {
            throw new IllegalArgumentException("'" + type + "' is not an event type name");
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException("must be a field name");
        }
        Partitioning.by(Map.of(type, value.asText()));
        return value.asText();
    }

    /** The API form of {@code settings}; alert limits and the partitioning only when set. */
    public static ObjectNode write(RuleSetSettings settings, ObjectNode into) {
        into.put("clock", settings.clockMode() == ClockMode.REALTIME ? "realtime" : "event-time")
                .put("lateness", settings.allowedLateness().toMillis() + "ms")
                .put("latePolicy", settings.latePolicy().name().toLowerCase(Locale.ROOT))
                .put("idleTimeout", settings.idleTimeout().toMillis() + "ms")
                .put("allowUnknownFields", settings.allowUnknownFields())
                .put("queueCapacity", settings.queueCapacity())
                .put("maxFiringsPerStep", settings.maxFiringsPerStep());
        var budget = settings.alertBudget();
        if (budget.perEvent() > 0) {
            into.put("maxAlertsPerEvent", budget.perEvent());
        }
        if (budget.perSecond() > 0) {
            into.put("maxAlertsPerSecond", budget.perSecond());
        }
        writePartitioning(settings.partitioning(), into);
        var source = settings.source();
        if (!source.isApi()) {
            var options = into.putObject("source").putObject(source.transport());
            source.options().forEach(options::put);
        }
        return into;
    }

    private static void writePartitioning(Partitioning partitioning, ObjectNode into) {
        if (partitioning.byType().isEmpty() && partitioning.allTypes() != null) {
            into.put("partitionBy", partitioning.allTypes());
        } else if (partitioning.isPartitioned()) {
            var byType = into.putObject("partitionBy");
            partitioning.byType().forEach(byType::put);
            if (partitioning.allTypes() != null) {
                byType.put(EVERY_OTHER_TYPE, partitioning.allTypes());
            }
        }
        if (partitioning.partitions() > 0) {
            into.put("partitions", partitioning.partitions());
        }
        if (partitioning.acceptCrossKeyJoins()) {
            into.put("acceptCrossKeyJoins", true);
        }
    }

    private static boolean bool(JsonNode value) {
        if (!value.isBoolean()) {
            throw new IllegalArgumentException("must be true or false");
        }
        return value.asBoolean();
    }

    /** How many sessions: 1 to {@link Partitioning#MAX_PARTITIONS} (not given: as many as cores). */
    private static int partitions(JsonNode value) {
        int partitions = integer(value, Partitioning.MAX_PARTITIONS);
        if (partitions < 1 || partitions > Partitioning.MAX_PARTITIONS) {
            throw new IllegalArgumentException("must be between 1 and " + Partitioning.MAX_PARTITIONS + ", was " + partitions);
        }
        return partitions;
    }

    private static String text(JsonNode value) {
        if (!value.isTextual()) {
            throw new IllegalArgumentException("must be a duration such as \"2s\"");
        }
        return value.asText();
    }

    /** A limit of the alert budget: 1 or more, up to {@link AlertBudget#MOST} (the server's own bound applies on top). */
    private static int alertLimit(JsonNode value) {
        int limit = integer(value, AlertBudget.MOST);
        if (limit < 1 || limit > AlertBudget.MOST) {
            throw new IllegalArgumentException("must be between 1 and " + AlertBudget.MOST + ", was " + limit);
        }
        return limit;
    }

    /** The whole number {@code value}; one too large for an int is refused here, naming the range the setting takes. */
    private static int integer(JsonNode value, int most) {
        if (!value.isIntegralNumber()) {
            throw new IllegalArgumentException("must be a whole number");
        }
        if (!value.canConvertToInt()) {
            throw new IllegalArgumentException("must be between 1 and " + most + ", was " + value);
        }
        return value.asInt();
    }
}
