package dev.vigil.server.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.server.http.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * CloudEvents 1.0 over HTTP (structured, batch and binary modes) mapped onto Vigil's event shape:
 * the CloudEvent's {@code type} names the event type (its last dot-separated part when the whole
 * is not a type, so {@code com.acme.Transaction} finds {@code Transaction}), {@code id} and
 * {@code time} are the event's, and the JSON object in {@code data} holds the fields.
 */
final class CloudEvents {
    static final String STRUCTURED = "application/cloudevents+json";
    static final String BATCH = "application/cloudevents-batch+json";
    private static final List<String> REQUIRED = List.of("specversion", "id", "source", "type");

    private final ObjectMapper json;
    private final Predicate<String> knownType;

    CloudEvents(ObjectMapper json, Predicate<String> knownType) {
        this.json = json;
        this.knownType = knownType;
    }

    /** Structured mode: one CloudEvent as the body. */
    JsonNode structured(JsonNode event) {
        var problems = new ArrayList<Map<String, Object>>();
        var out = convert(event, 0, problems);
        fail(problems);
        return out;
    }

    /** Batch mode: a JSON array of CloudEvents. */
    List<JsonNode> batch(JsonNode events) {
        if (!events.isArray()) {
            throw ApiException.badRequest("a CloudEvents batch must be a JSON array of events");
        }
        var problems = new ArrayList<Map<String, Object>>();
        var out = new ArrayList<JsonNode>();
        for (int i = 0; i < events.size(); i++) {
            out.add(convert(events.get(i), i, problems));
        }
        fail(problems);
        return out;
    }

    /** Binary mode: the attributes in {@code ce-} headers, the data as the body. */
    JsonNode binary(Map<String, String> headers, JsonNode data) {
        var event = json.createObjectNode();
        headers.forEach((name, value) -> {
            if (name.regionMatches(true, 0, "ce-", 0, 3)) {
                event.put(name.substring(3).toLowerCase(Locale.ROOT), value);
            }
        });
        event.set("data", data);
        return structured(event);
    }

    private ObjectNode convert(JsonNode event, int index, List<Map<String, Object>> problems) {
        if (event == null || !event.isObject()) {
            problems.add(problem(index, null, "a CloudEvent must be a JSON object"));
            return null;
        }
        int before = problems.size();
        for (var attribute : REQUIRED) {
            var value = event.get(attribute);
            if (value == null || !value.isTextual() || value.asText().isEmpty()) {
                problems.add(problem(index, attribute, "is a required CloudEvents attribute"));
            }
        }
        if (event.hasNonNull("specversion") && !"1.0".equals(event.get("specversion").asText())) {
            problems.add(problem(index, "specversion", "must be 1.0, was " + event.get("specversion")));
        }
        var data = event.get("data");
        if (data != null && !data.isNull() && !data.isObject()) {
            problems.add(problem(index, "data", "must be a JSON object holding the event's fields"));
        }
        if (problems.size() > before) {
            return null;
        }
        var out = json.createObjectNode();
        out.put("type", resolve(event.get("type").asText()));
        out.put("id", event.get("id").asText());
        if (event.hasNonNull("time")) {
            out.set("time", event.get("time"));
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

    private String resolve(String type) {
        if (knownType.test(type)) {
            return type;
        }
        int dot = type.lastIndexOf('.');
        var simple = dot < 0 ? type : type.substring(dot + 1);
        return knownType.test(simple) ? simple : type;
    }

    private static Map<String, Object> problem(int index, String attribute, String message) {
        var out = new LinkedHashMap<String, Object>();
        out.put("index", index);
        if (attribute != null) {
            out.put("field", attribute);
        }
        out.put("message", message);
        return out;
    }

    private static void fail(List<Map<String, Object>> problems) {
        if (!problems.isEmpty()) {
            throw new ApiException(400, "invalid_events", problems.size() + " problem(s) in the CloudEvents; none was accepted", problems);
        }
    }
}
