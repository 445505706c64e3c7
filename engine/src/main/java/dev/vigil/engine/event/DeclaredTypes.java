package dev.vigil.engine.event;

import dev.vigil.engine.api.EventField;
import dev.vigil.engine.api.EventType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.drools.base.base.ClassObjectType;
import org.drools.base.rule.TypeDeclaration;
import org.drools.core.impl.InternalRuleBase;
import org.drools.core.reteoo.ObjectTypeNode;
import org.kie.api.KieBase;
import org.kie.api.definition.type.FactType;
import org.kie.api.definition.type.Role;

/**
 * Reads the types a rule set declares out of its compiled KieBase.
 *
 * <p>Uses Drools' internal rule base because the public API does not expose a type's role,
 * timestamp field or the expiration offset Drools inferred from the rules.
 */
public final class DeclaredTypes {
    private DeclaredTypes() {
    }

    /** Every type the rule set's DRL declares (events and plain facts), by qualified name. */
    public static List<TypeDeclaration> declarations(KieBase kieBase) {
        var out = new ArrayList<TypeDeclaration>();
        for (var td : ((InternalRuleBase) kieBase).getTypeDeclarations()) {
            // isDefinition, not the nature alone: after updateToVersion Drools marks every type of a
            // rebuilt package as a DECLARATION, since its class already exists; generated classes tell.
            // And one whose package a new version dropped stays listed, with no fact type left behind it.
            if (td.isDefinition() && td.getTypeClass() != null && factType(kieBase, td) != null) {
                out.add(td);
            }
        }
        out.sort(Comparator.comparing(TypeDeclaration::getTypeClassName));
        return out;
    }

    /** The rule set's event types, ordered by qualified name. */
    public static List<EventType> eventTypes(KieBase kieBase) {
        var out = new ArrayList<EventType>();
        for (var td : declarations(kieBase)) {
            if (td.getRole() == Role.Type.EVENT) {
                out.add(describe(kieBase, td));
            }
        }
        return out;
    }

    /** The FactType of a declaration, the public handle for creating and reading its instances. */
    public static FactType factType(KieBase kieBase, TypeDeclaration td) {
        var className = td.getTypeClassName();
        int dot = className.lastIndexOf('.');
        return kieBase.getFactType(dot < 0 ? "" : className.substring(0, dot), className.substring(dot + 1));
    }

    private static EventType describe(KieBase kieBase, TypeDeclaration td) {
        var factType = factType(kieBase, td);
        var fields = factType.getFields().stream()
                .map(f -> new EventField(f.getName(), typeName(f.getType())))
                .toList();
        long explicit = td.getExpirationOffset();
        var expires = explicit >= 0 && explicit != Long.MAX_VALUE ? Duration.ofMillis(explicit) : null;
        var className = td.getTypeClassName();
        int dot = className.lastIndexOf('.');
        return new EventType(className.substring(dot + 1), dot < 0 ? "" : className.substring(0, dot), fields,
                td.getTimestampAttribute(), td.getDurationAttribute(), expires, retention(kieBase, td, expires));
    }

    private static Duration retention(KieBase kieBase, TypeDeclaration td, Duration expires) {
        Long offset = null;
        for (ObjectTypeNode otn : ((InternalRuleBase) kieBase).getRete().getObjectTypeNodes()) {
            if (otn.getObjectType() instanceof ClassObjectType cot && cot.getClassType() == td.getTypeClass()) {
                long o = otn.getExpirationOffset();
                offset = offset == null ? o : (o < 0 || offset < 0 ? -1 : Math.max(o, offset));
            }
        }
        if (offset == null) {
            return expires;
        }
        return offset < 0 || offset == Long.MAX_VALUE ? null : Duration.ofMillis(offset);
    }

    static String typeName(Class<?> type) {
        return type.getPackageName().equals("java.lang") ? type.getSimpleName() : type.getName();
    }
}
