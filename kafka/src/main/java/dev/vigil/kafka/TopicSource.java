package dev.vigil.kafka;

import dev.vigil.engine.api.EventSource;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A rule set's Kafka source, from its settings' {@code "source": {"kafka": {...}}}.
 *
 * @param topic   the topic it consumes
 * @param startAt where a group that has committed nothing starts: {@code earliest} (the topic's
 *                history first) or {@code latest} (new records only)
 */
public record TopicSource(String topic, String startAt) {
    /** The transport's name in {@link EventSource}. */
    public static final String TRANSPORT = "kafka";
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final Set<String> START_AT = Set.of("earliest", "latest");
    private static final Set<String> OPTIONS = Set.of("topic", "startAt");

    public TopicSource {
        requireTopicName("source.kafka.topic", topic);
        if (!START_AT.contains(startAt)) {
            throw new IllegalArgumentException("source.kafka.startAt must be earliest or latest, was '" + startAt + "'");
        }
    }

    /**
     * The Kafka source that {@code options} (the settings' {@code source.kafka} object) describe.
     *
     * @throws IllegalArgumentException naming the option that is missing, unknown or wrong
     */
    public static TopicSource parse(Map<String, String> options) {
        for (var name : options.keySet()) {
            if (!OPTIONS.contains(name)) {
                throw new IllegalArgumentException("source.kafka." + name + " is not an option; the options are topic and startAt");
            }
        }
        var topic = options.get("topic");
        if (topic == null) {
            throw new IllegalArgumentException("source.kafka.topic is required: the topic the rule set consumes");
        }
        var startAt = options.getOrDefault("startAt", "earliest").toLowerCase(Locale.ROOT);
        return new TopicSource(topic, startAt);
    }

    /** The Kafka source of a rule set's settings, or null when its events come from elsewhere. */
    public static TopicSource of(EventSource source) {
        return TRANSPORT.equals(source.transport()) ? parse(source.options()) : null;
    }

    /** The event source these settings are. */
    public EventSource toEventSource() {
        return new EventSource(TRANSPORT, Map.of("topic", topic, "startAt", startAt));
    }

    /** Where records that cannot be read go, with the reason in a header. */
    public String deadLetterTopic() {
        return topic + ".vigil-dlq";
    }

    static void requireTopicName(String what, String name) {
        if (name == null || !LEGAL.matcher(name).matches() || ".".equals(name) || "..".equals(name)) {
            throw new IllegalArgumentException(what + " must be a Kafka topic name (1 to 249 of a-z, A-Z, 0-9, '.', '_', '-'), was '"
                    + name + "'");
        }
    }
}
