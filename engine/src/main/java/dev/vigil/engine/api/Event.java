package dev.vigil.engine.api;

import java.util.Objects;

/**
 * A decoded event, ready for a session: its envelope and the instance of its declared type.
 *
 * @param id   the event's id, given or generated
 * @param type the event type's simple name
 * @param time event time in epoch milliseconds
 * @param fact the instance of the declared type, with the {@code @timestamp} field set to {@code time}
 */
public record Event(String id, String type, long time, Object fact) {
    public Event {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(fact, "fact");
    }
}
