package dev.vigil.engine.session;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.vigil.engine.event.DeclaredTypes;
import java.util.HashMap;
import java.util.Map;
import org.drools.base.rule.TypeDeclaration;
import org.kie.api.KieBase;
import org.kie.api.definition.type.FactField;
import org.kie.api.definition.type.Role;

/**
 * Where the engine finds the id of an event in working memory, for evidence.
 *
 * <p>An event type that declares {@code id : String} carries its id in the fact (the decoder fills
 * it), which costs nothing. For other types the id is kept in a map with weak identity keys: when
 * Drools expires an event (which tells no listener) it becomes unreachable and its entry goes with
 * it; identity, because declared types with {@code @key} fields have value equality.
 * Owned by the session's thread.
 */
final class EventIds {
    private final Map<Object, String> others = Caffeine.newBuilder().weakKeys().executor(Runnable::run)
            .<Object, String>build().asMap();
    private Map<Class<?>, FactField> idFields = Map.of();

    EventIds(KieBase kieBase) {
        use(kieBase);
    }

    /** Reads which event types of {@code kieBase} carry their id; after a version change. */
    void use(KieBase kieBase) {
        var fields = new HashMap<Class<?>, FactField>();
        for (TypeDeclaration td : DeclaredTypes.declarations(kieBase)) {
            if (td.getRole() == Role.Type.EVENT) {
                var id = DeclaredTypes.factType(kieBase, td).getField("id");
                if (id != null && id.getType() == String.class) {
                    fields.put(td.getTypeClass(), id);
                }
            }
        }
        idFields = Map.copyOf(fields);
    }

    void put(Object fact, String id) {
        if (!idFields.containsKey(fact.getClass())) {
            others.put(fact, id);
        }
    }

    /** The id of {@code fact}, null when it is not an event the session was given. */
    String get(Object fact) {
        var field = idFields.get(fact.getClass());
        if (field != null) {
            return (String) field.get(fact);
        }
        // Evidence asks for every fact of a match: most are events that carry their id, or no events at all.
        return others.isEmpty() ? null : others.get(fact);
    }

    String remove(Object fact) {
        var id = get(fact);
        others.remove(fact);
        return id;
    }
}
