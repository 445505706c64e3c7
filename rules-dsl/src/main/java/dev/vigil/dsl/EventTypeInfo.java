package dev.vigil.dsl;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An event type of the rule set, as the rule language needs to know it: what rules may match and
 * which fields they may name.
 *
 * @param name           the simple name rules use: {@code Transaction}
 * @param packageName    the DRL package that declares it, empty for none
 * @param timestampField the field holding the event's time (its {@code @timestamp})
 * @param fields         field name to Java type name ({@code String}, {@code double}, {@code java.math.BigDecimal}), in order
 */
public record EventTypeInfo(String name, String packageName, String timestampField, Map<String, String> fields) {
    public EventTypeInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(packageName, "packageName");
        Objects.requireNonNull(timestampField, "timestampField");
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** {@code package.Name}, or the name alone in the default package. */
    public String qualifiedName() {
        return packageName.isEmpty() ? name : packageName + "." + name;
    }
}
