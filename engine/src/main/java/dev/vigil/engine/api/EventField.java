package dev.vigil.engine.api;

import java.util.Objects;

/**
 * A field of an event type.
 *
 * @param name the field's name, which is also its JSON property
 * @param type the Java type as written in the declaration ({@code String}, {@code double}, {@code java.util.Date})
 */
public record EventField(String name, String type) {
    public EventField {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }
}
