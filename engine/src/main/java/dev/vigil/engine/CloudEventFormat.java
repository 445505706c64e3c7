package dev.vigil.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.engine.api.EventError;
import java.util.List;
import java.util.function.Predicate;

/**
 * CloudEvents 1.0 in structured mode mapped onto Vigil's event shape, for every way events arrive
 * (the API, a Kafka record): the CloudEvent's {@code type} names the event type (its last
 * dot-separated part when the whole is not a type, so {@code com.acme.Transaction} finds
 * {@code Transaction}), {@code id} and {@code time} are the event's, and the JSON object in
 * {@code data} holds the fields.
 */
public final class CloudEventFormat {
    private static final List<String> REQUIRED = List.of("specversion", "id", "source", "type");

    private CloudEventFormat() {
    }

    /** Whether {@code value} is a CloudEvent in structured mode rather than a Vigil event: it has a {@code specversion}. */
    public static boolean isCloudEvent(JsonNode value) {
        return value != null && value.isObject() && value.has("specversion");
    }

    /**
     * The Vigil event {@code cloudEvent} holds, or null when it is not a valid CloudEvent: then
     * {@code problems} has every reason, each naming the attribute.
     *
     * @param index     the event's position, for the problems
     * @param knownType whether a name is an event type, to resolve {@code com.acme.Transaction}
     */
    public static ObjectNode toEvent(JsonNode cloudEvent, int index, Predicate<String> knownType, List<EventError> problems) {
        if (cloudEvent == null || !cloudEvent.isObject()) {
            problems.add(new EventError(index, null, null, "a CloudEvent must be a JSON object"));
            return null;
        }
        int before = problems.size();
        var id = cloudEvent.path("id").isTextual() ? cloudEvent.get("id").asText() : null;
        for (var attribute : REQUIRED) {
            var value = cloudEvent.get(attribute);
            if (value == null || !value.isTextual() || value.asText().isEmpty()) {
                problems.add(new EventError(index, id, attribute, "is a required CloudEvents attribute"));
            }
        }
        if (cloudEvent.hasNonNull("specversion") && !"1.0".equals(cloudEvent.get("specversion").asText())) {
            problems.add(new EventError(index, id, "specversion", "must be 1.0, was " + cloudEvent.get("specversion")));
        }
        var data = cloudEvent.get("data");
        if (data != null && !data.isNull() && !data.isObject()) {
            problems.add(new EventError(index, id, "data", "must be a JSON object holding the event's fields"));
        }
        if (problems.size() > before) {
            return null;
        }
        var out = JsonNodeFactory.instance.objectNode();
        out.put("type", resolve(cloudEvent.get("type").asText(), knownType));
        out.put("id", id);
        if (cloudEvent.hasNonNull("time")) {
            out.set("time", cloudEvent.get("time"));
        }
        if (data != null && data.isObject()) {
            data.properties().forEach(f -> {
                if (!out.has(f.getKey())) {
                    out.set(f.getKey(), f.getValue());
                }
            });
        }
        return out;
    }

    private static String resolve(String type, Predicate<String> knownType) {
        if (knownType.test(type)) {
            return type;
        }
        int dot = type.lastIndexOf('.');
        var simple = dot < 0 ? type : type.substring(dot + 1);
        return knownType.test(simple) ? simple : type;
    }
}
