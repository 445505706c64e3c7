package dev.vigil.engine.ruleset;

import static dev.vigil.engine.RuleHarness.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.engine.RuleHarness;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.engine.event.DeclaredTypes;
import java.util.Map;
import org.drools.base.factmodel.FieldDefinition;
import org.junit.jupiter.api.Test;

/** How sessions read events' times: a {@code long} timestamp field through its compiled accessor, others as Drools does. */
class TimestampReadersTest {
    private static final String ABSENCE = """
            package mon;
            declare Login
                @role(event)
                @timestamp(time)
                time : %1$s
                user : String
            end
            declare Logout
                @role(event)
                @timestamp(time)
                time : %1$s
                user : String
            end
            rule "no logout"
            when
                $in : Login($user : user)
                not Logout(user == $user, this after[0s, 5m] $in)
            then
                alerts.raise($user, "no logout within 5 minutes");
            end
            """;

    @Test
    void longTimestampField_isReadByItsAccessor() {
        try (var compiled = new RuleSetCompiler().compile(RuleSetSource.of("mon", Map.of("r.drl", ABSENCE.formatted("long"))))) {
            var kieBase = compiled.container().getKieBase();
            for (var td : DeclaredTypes.declarations(kieBase)) {
                var field = (FieldDefinition) DeclaredTypes.factType(kieBase, td).getField("time");
                assertThat(td.getTimestampExtractor()).as(td.getTypeClassName()).isSameAs(field.getFieldAccessor());
            }
        }
    }

    @Test
    void dateTimestampField_keepsDroolsReader_andItsTimes() {
        var drl = ABSENCE.formatted("java.util.Date");
        try (var compiled = new RuleSetCompiler().compile(RuleSetSource.of("mon", Map.of("r.drl", drl)))) {
            var kieBase = compiled.container().getKieBase();
            assertThat(DeclaredTypes.declarations(kieBase)).allSatisfy(td -> assertThat(td.getTimestampExtractor())
                    .isNotSameAs(((FieldDefinition) DeclaredTypes.factType(kieBase, td).getField("time")).getFieldAccessor()));
        }
        try (var h = RuleHarness.of(drl)) {
            h.send("Login", "0:00", "user", "u1");
            h.advanceTo("4:59.999");
            assertThat(h.alerts()).isEmpty();

            h.advanceTo("5:00");
            assertThat(h.alerts()).singleElement().satisfies(a -> assertThat(a.eventTime()).isEqualTo(at("5:00")));
        }
    }
}
