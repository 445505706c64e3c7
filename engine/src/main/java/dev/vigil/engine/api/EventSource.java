package dev.vigil.engine.api;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Where a rule set's events come from: posted to the API, or a transport that feeds the rule set
 * itself (a Kafka topic). The engine reads nothing in it but whether it is the API: a rule set with
 * a source of its own takes no posted events, so no event reaches it twice or by two ways.
 *
 * @param transport the transport's name, such as {@code kafka}; {@code api} for events posted to the API
 * @param options   what the transport needs, such as the topic, by name (kept in the order of
 *                  their names, so that messages and the settings written back read the same in every run)
 */
public record EventSource(String transport, Map<String, String> options) {
    /** Events posted to the API: the default. */
    public static final EventSource API = new EventSource("api", Map.of());

    public EventSource {
        Objects.requireNonNull(transport, "transport");
        options = Collections.unmodifiableSortedMap(new TreeMap<>(Map.copyOf(options)));
    }

    /** Whether events are posted to the API rather than fed by a transport. */
    public boolean isApi() {
        return API.transport.equals(transport);
    }

    /** The option called {@code name}, or null when it is not set. */
    public String option(String name) {
        return options.get(name);
    }

    /** For messages: {@code kafka topic=payments}. */
    public String describe() {
        var out = new StringBuilder(transport);
        options.forEach((name, value) -> out.append(' ').append(name).append('=').append(value));
        return out.toString();
    }
}
