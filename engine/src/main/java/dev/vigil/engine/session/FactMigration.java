package dev.vigil.engine.session;

import dev.vigil.engine.event.DeclaredTypes;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.drools.base.rule.TypeDeclaration;
import org.kie.api.KieBase;
import org.kie.api.definition.type.FactField;
import org.kie.api.definition.type.FactType;

/**
 * Carries instances of declared types from one version of a rule set to the next.
 *
 * <p>When a new version changes a declared type, Drools generates a new class for it; instances
 * of the old class stay in working memory, match nothing and never expire. This copies each such
 * instance, field by field, into the new class: fields kept keep their values, new fields start
 * at their defaults, removed fields are dropped, and the {@code @timestamp} field gets the event's
 * original time. Field type changes are refused before the swap, so values copy unchanged.
 */
final class FactMigration {
    private static final Map<Class<?>, Map<String, Method>> GETTERS = new ConcurrentHashMap<>();
    private final Map<String, Target> byClassName = new HashMap<>();
    /** By simple name, for the types whose simple name is unique in the rule set. */
    private final Map<String, Target> bySimpleName = new HashMap<>();
    /** Owned by the thread that converts: a session's, or a redeploy's. */
    private final Map<Class<?>, Copier> copiers = new HashMap<>();

    FactMigration(KieBase kieBase) {
        var simpleNames = new HashMap<String, Integer>();
        for (TypeDeclaration td : DeclaredTypes.declarations(kieBase)) {
            var target = new Target(td.getTypeClass(), DeclaredTypes.factType(kieBase, td), td.getTimestampAttribute());
            byClassName.put(td.getTypeClassName(), target);
            bySimpleName.put(td.getTypeName(), target);
            simpleNames.merge(td.getTypeName(), 1, Integer::sum);
        }
        simpleNames.forEach((name, count) -> {
            if (count > 1) {
                bySimpleName.remove(name);
            }
        });
    }

    /** Whether {@code fact} is an instance of a declared type, but of another version's class (or package). */
    boolean isStale(Object fact) {
        var target = targetFor(fact);
        return target != null && target.type != fact.getClass();
    }

    /** The type {@code fact} goes into: the one of its class name, else the one of its simple name. */
    private Target targetFor(Object fact) {
        return targetFor(fact.getClass());
    }

    private Target targetFor(Class<?> type) {
        var target = byClassName.get(type.getName());
        return target != null ? target : bySimpleName.get(type.getSimpleName());
    }

    /** Whether the running version declares the class of {@code fact} at all. */
    boolean isDeclared(String className) {
        return byClassName.containsKey(className);
    }

    /** Whether the running version has a type for {@code fact}: of its class name, or the only one of its simple name. */
    boolean canConvert(Object fact) {
        return targetFor(fact) != null;
    }

    /**
     * A copy of {@code old} in the class of the running version's type of the same class name, or
     * of the same simple name when the package changed, its timestamp field set to {@code time}.
     */
    Object convert(Object old, long time) {
        var copier = copiers.computeIfAbsent(old.getClass(), this::copier);
        try {
            var fresh = copier.create.newInstance();
            for (var field : copier.fields) {
                field.target.set(fresh, field.getter.invoke(old));
            }
            if (copier.timestamp != null) {
                copier.timestamp.set(fresh, copier.timestamp.getType() == Date.class ? new Date(time) : (Object) time);
            }
            return fresh;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot copy " + old.getClass().getName() + " into " + copier.create.getDeclaringClass(), e);
        }
    }

    /** How to copy an instance of {@code from} into its type of the running version: worked out once per class. */
    private Copier copier(Class<?> from) {
        var target = targetFor(from);
        var getters = GETTERS.computeIfAbsent(from, FactMigration::getters);
        var fields = new ArrayList<Copied>();
        for (FactField field : target.factType.getFields()) {
            var getter = getters.get(field.getName());
            if (getter != null && box(field.getType()) == box(getter.getReturnType())) {
                fields.add(new Copied(getter, field));
            }
        }
        try {
            return new Copier(target.type.getConstructor(), List.copyOf(fields),
                    target.timestampField == null ? null : target.factType.getField(target.timestampField));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("cannot create " + target.type.getName(), e);
        }
    }

    private record Copier(Constructor<?> create, List<Copied> fields, FactField timestamp) {
    }

    private record Copied(Method getter, FactField target) {
    }

    private static Map<String, Method> getters(Class<?> type) {
        var out = new HashMap<String, Method>();
        for (var m : type.getMethods()) {
            if (m.getParameterCount() != 0 || m.getDeclaringClass() == Object.class) {
                continue;
            }
            var n = m.getName();
            if (n.startsWith("get") && n.length() > 3) {
                out.put(Character.toLowerCase(n.charAt(3)) + n.substring(4), m);
            } else if (n.startsWith("is") && n.length() > 2 && (m.getReturnType() == boolean.class)) {
                out.put(Character.toLowerCase(n.charAt(2)) + n.substring(3), m);
            }
        }
        return out;
    }

    private static Class<?> box(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        return switch (type.getName()) {
            case "int" -> Integer.class;
            case "long" -> Long.class;
            case "double" -> Double.class;
            case "float" -> Float.class;
            case "boolean" -> Boolean.class;
            case "short" -> Short.class;
            case "byte" -> Byte.class;
            default -> Character.class;
        };
    }

    private record Target(Class<?> type, FactType factType, String timestampField) {
    }
}
