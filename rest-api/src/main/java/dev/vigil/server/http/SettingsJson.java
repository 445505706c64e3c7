package dev.vigil.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.dsl.Durations;
import dev.vigil.engine.api.AlertBudget;
import dev.vigil.engine.api.ClockMode;
import dev.vigil.engine.api.LatePolicy;
import dev.vigil.engine.api.RuleSetSettings;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A rule set's settings as the API writes them:
 * {@code {"clock": "event-time", "lateness": "2s", "latePolicy": "process", "idleTimeout": "1s",
 * "allowUnknownFields": false, "queueCapacity": 100000, "maxFiringsPerStep": 10000, "maxAlertsPerEvent": 100,
 * "maxAlertsPerSecond": 1000}}, all optional. The alert limits, when not given, are the server's.
 */
public final class SettingsJson {
    private static final Set<String> KEYS = Set.of("clock", "lateness", "latePolicy", "idleTimeout", "allowUnknownFields",
            "queueCapacity", "maxFiringsPerStep", "maxAlertsPerEvent", "maxAlertsPerSecond");

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
                    case "allowUnknownFields" -> {
                        if (!value.isBoolean()) {
                            throw new IllegalArgumentException("must be true or false");
                        }
                        yield settings.withAllowUnknownFields(value.asBoolean());
                    }
                    case "queueCapacity" -> settings.withQueueCapacity(integer(value, RuleSetSettings.MAX_QUEUE_CAPACITY));
                    case "maxFiringsPerStep" -> settings.withMaxFiringsPerStep(integer(value, RuleSetSettings.MAX_FIRINGS_PER_STEP));
                    case "maxAlertsPerEvent" -> settings.withAlertBudget(settings.alertBudget().withPerEvent(alertLimit(value)));
                    case "maxAlertsPerSecond" -> settings.withAlertBudget(settings.alertBudget().withPerSecond(alertLimit(value)));
                    default -> throw new IllegalArgumentException("is not a setting; the settings are " + KEYS.stream().sorted().toList());
                };
            } catch (IllegalArgumentException e) {
                problems.add(Map.of("field", "settings." + key, "message", e.getMessage()));
            }
        }
        if (!problems.isEmpty()) {
            throw new ApiException(400, "invalid_settings", "the settings are not valid", problems);
        }
        return settings;
    }

    /** The API form of {@code settings}; alert limits only when set. */
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
        return into;
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
