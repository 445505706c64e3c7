package dev.vigil.engine.ruleset;

import dev.vigil.engine.event.DeclaredTypes;
import org.drools.base.factmodel.FieldDefinition;
import org.kie.api.KieBase;
import org.kie.api.definition.type.Role;

/**
 * Reads the event time of a declared event type through Drools' compiled accessor of its
 * {@code @timestamp} field.
 *
 * <p>Classic DRL reads {@code @timestamp(time)} as an MVEL expression, evaluated for every event
 * inserted: a variable resolver and two maps per event, a few percent of a busy session's time and
 * of all it allocates. When the attribute names a {@code long} field of the type, the accessor the
 * type's own fields use reads the same value directly. Other timestamps (a {@code Date}, an
 * expression) keep Drools' reader.
 */
final class TimestampReaders {
    private TimestampReaders() {
    }

    /** Gives {@code kieBase}'s event types with a {@code long} timestamp field that field's accessor; before any session starts. */
    static void useFieldAccessors(KieBase kieBase) {
        for (var td : DeclaredTypes.declarations(kieBase)) {
            var attribute = td.getTimestampAttribute();
            if (td.getRole() != Role.Type.EVENT || attribute == null) {
                continue;
            }
            if (DeclaredTypes.factType(kieBase, td).getField(attribute) instanceof FieldDefinition field
                    && field.getType() == long.class && field.getFieldAccessor() != null) {
                td.setTimestampExtractor(field.getFieldAccessor());
            }
        }
    }
}
