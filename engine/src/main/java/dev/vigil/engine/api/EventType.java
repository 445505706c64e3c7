package dev.vigil.engine.api;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An event type: a {@code declare ... @role(event)} type of a rule set, which is the schema JSON
 * events are decoded against.
 *
 * @param name           the simple name, used as the event's {@code type}
 * @param packageName    the DRL package that declares it
 * @param fields         declared fields in declaration order
 * @param timestampField the {@code @timestamp} field that {@code time} fills, or null (insertion time)
 * @param durationField  the {@code @duration} field, or null (a point in time)
 * @param expires        the explicit {@code @expires}, or null
 * @param retention      how long its events stay in working memory: the explicit {@code @expires} or
 *                       what Drools infers from the rules' windows and temporal operators; null when
 *                       nothing bounds it and its events are never removed
 */
public record EventType(
        String name,
        String packageName,
        List<EventField> fields,
        String timestampField,
        String durationField,
        Duration expires,
        Duration retention) {

    public EventType {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(packageName, "packageName");
        fields = List.copyOf(fields);
    }

    /** The field called {@code fieldName}, if declared. */
    public Optional<EventField> field(String fieldName) {
        return fields.stream().filter(f -> f.name().equals(fieldName)).findFirst();
    }

    /** The package-qualified name. */
    public String qualifiedName() {
        return packageName.isEmpty() ? name : packageName + "." + name;
    }
}
