package dev.vigil.engine.session;

import dev.vigil.engine.api.Partitioning;
import dev.vigil.engine.event.DeclaredTypes;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.kie.api.KieBase;
import org.kie.api.definition.type.Role;

/**
 * Which partition an event goes to: {@code hash(key) mod partitions}, where the key is the value of
 * its type's key field; every partition for a type without one. Not thread-safe: the rule set's
 * runner owns it.
 */
final class KeyRouting {
    /** What {@link #of} answers for an event that goes to every partition. */
    static final int ALL = -1;
    private static final Function<Object, Object> NO_KEY = fact -> null;

    private final Partitioning partitioning;
    private final int partitions;
    private final Map<Class<?>, Function<Object, Object>> keyOf = new HashMap<>();
    private final Set<String> shared;

    KeyRouting(Partitioning partitioning, int partitions, KieBase kieBase) {
        this.partitioning = partitioning;
        this.partitions = partitions;
        for (var declaration : DeclaredTypes.declarations(kieBase)) {
            if (declaration.getRole() != Role.Type.EVENT) {
                continue;
            }
            var type = DeclaredTypes.factType(kieBase, declaration);
            var field = partitioning.keyOf(declaration.getTypeClass().getSimpleName()).map(type::getField).orElse(null);
            keyOf.put(declaration.getTypeClass(), field == null ? NO_KEY : field::get);
        }
        var unkeyed = new HashSet<String>();
        keyOf.forEach((type, key) -> {
            if (key == NO_KEY) {
                unkeyed.add(type.getName());
            }
        });
        this.shared = Set.copyOf(unkeyed);
    }

    /**
     * Whether {@code fact} is an event of a type without a key, which every partition is given; by
     * class name, since each partition has classes of its own. Thread-safe.
     */
    boolean isShared(Object fact) {
        return shared.contains(fact.getClass().getName());
    }

    /** The partition of {@code fact}, or {@link #ALL}. */
    int of(Object fact) {
        var key = keyOf.computeIfAbsent(fact.getClass(), this::reflectedKey);
        if (key == NO_KEY) {
            return ALL;
        }
        return partitionOf(key.apply(fact), partitions);
    }

    /** The partition of key {@code value} among {@code partitions}: the same for equal values, in every run. */
    static int partitionOf(Object value, int partitions) {
        int h = Objects.hashCode(value);
        // Spread the hash so that keys differing only in high bits (numbers, say) spread too.
        h = (h ^ (h >>> 16)) * 0x9E3779B9;
        return Math.floorMod(h ^ (h >>> 16), partitions);
    }

    /** The key of a class the rule network does not declare: an event decoded for another version. */
    private Function<Object, Object> reflectedKey(Class<?> type) {
        var field = partitioning.keyOf(type.getSimpleName()).orElse(null);
        if (field == null) {
            return NO_KEY;
        }
        var getter = getter(type, field);
        if (getter == null) {
            return fact -> null;
        }
        return fact -> {
            try {
                return getter.invoke(fact);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("reading key field '" + field + "' of " + type.getName(), e);
            }
        };
    }

    private static Method getter(Class<?> type, String field) {
        var suffix = field.substring(0, 1).toUpperCase(Locale.ROOT) + field.substring(1);
        for (var prefix : new String[] {"get", "is"}) {
            try {
                return type.getMethod(prefix + suffix);
            } catch (NoSuchMethodException e) {
                // Try the next form of getter.
            }
        }
        return null;
    }
}
