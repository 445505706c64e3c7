package dev.vigil.server.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.engine.CloudEventFormat;
import dev.vigil.engine.api.EventError;
import dev.vigil.server.http.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * CloudEvents 1.0 over HTTP (structured, batch and binary modes) mapped onto Vigil's event shape
 * by {@link CloudEventFormat}; every problem is answered with 400, naming the event and attribute.
 */
final class CloudEvents {
    static final String STRUCTURED = "application/cloudevents+json";
    static final String BATCH = "application/cloudevents-batch+json";

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
        var errors = new ArrayList<EventError>();
        var out = CloudEventFormat.toEvent(event, index, knownType, errors);
        errors.forEach(e -> problems.add(problem(e.index(), e.field(), e.message())));
        return out;
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
