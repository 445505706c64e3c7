package dev.vigil.engine.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.engine.api.Diagnostic;
import dev.vigil.engine.api.RuleInfo;
import dev.vigil.engine.api.RuleSetCompilationException;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.engine.api.Severity;
import dev.vigil.engine.ruleset.RuleSetCompiler;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rule-language files compiled with the DRL files of their rule set. */
class RuleLanguageCompileTest {
    private static final String TYPES = """
            package shop;
            declare Base
                id : String
                time : long
            end
            declare Transaction extends Base
                @role(event)
                @timestamp(time)
                cardId : String
                amount : double
            end
            rule "big"
            when
                $t : Transaction(amount > 1000) over window:time(1m)
            then
                alerts.raise($t.getCardId(), "big");
            end
            """;
    private static final String VELOCITY = """
            rule: velocity
            severity: high
            when: {pattern: count, event: Transaction, per: cardId, count: "> 5", within: 1m}
            """;

    private final RuleSetCompiler compiler = new RuleSetCompiler();

    @Test
    void ruleFile_withDrl_compilesToOneRuleSet_withInheritedFieldsAndBoundedMemory() {
        try (var compiled = compiler.compile(RuleSetSource.of("shop", Map.of("types.drl", TYPES, "velocity.rule.yaml", VELOCITY)))) {
            assertThat(compiled.rules()).extracting(RuleInfo::name).containsExactly("big", "velocity");
            var velocity = compiled.rules().get(1);
            assertThat(velocity.severity()).isEqualTo(Severity.HIGH);
            assertThat(velocity.suppress()).isEqualTo(Duration.ofMinutes(1));
            assertThat(compiled.generated()).containsOnlyKeys("velocity.rule.yaml");
            assertThat(compiled.generated().get("velocity.rule.yaml")).contains("package shop;", "rule \"velocity\"");
            assertThat(compiled.eventTypes()).filteredOn(t -> t.name().equals("Transaction")).singleElement()
                    .satisfies(t -> assertThat(t.retention()).isEqualTo(Duration.ofMinutes(1)));
            assertThat(compiled.warnings()).isEmpty();
        }
    }

    @Test
    void errorsOfRuleFilesAndDrlFiles_areReportedTogether_byFileAndLine() {
        var brokenDrl = TYPES.replace("amount > 1000", "amout > 1000");
        var brokenYaml = VELOCITY.replace("within: 1m", "within: soon");
        assertThatThrownBy(() -> compiler.compile(RuleSetSource.of("shop", Map.of("types.drl", brokenDrl, "velocity.rule.yaml", brokenYaml))))
                .isInstanceOfSatisfying(RuleSetCompilationException.class, e -> {
                    assertThat(e.diagnostics()).extracting(Diagnostic::file).containsOnly("types.drl", "velocity.rule.yaml")
                            .endsWith("velocity.rule.yaml");
                    assertThat(e.diagnostics().get(0).line()).isEqualTo(14);
                    var yaml = e.diagnostics().get(e.diagnostics().size() - 1);
                    assertThat(yaml.line()).isEqualTo(3);
                    assertThat(yaml.column()).isEqualTo(79);
                    assertThat(yaml.message()).startsWith("within: 'soon' is not a duration");
                });
    }

    @Test
    void ruleNamedLikeADrlRuleOfItsPackage_isReportedAtItsOwnLine() {
        var clash = "# a rule named like the DRL one\n" + VELOCITY.replace("rule: velocity", "rule: big");
        assertThatThrownBy(() -> compiler.compile(RuleSetSource.of("shop", Map.of("types.drl", TYPES, "clash.rule.yaml", clash))))
                .isInstanceOfSatisfying(RuleSetCompilationException.class, e -> assertThat(e.diagnostics()).singleElement()
                        .satisfies(d -> assertThat(d.toString()).isEqualTo("clash.rule.yaml:2: error: a rule named 'big' is already in"
                                + " types.drl, line 12 (package shop): rule names must differ within a package")));
    }

    @Test
    void generatedDrlThatDroolsRefuses_isReportedAtTheStepsWhere() {
        // A Date field passes the language's checks as "a value", but Drools cannot multiply it.
        var types = TYPES.replace("amount : double", "amount : double\n    opened : java.util.Date");
        var rule = "rule: odd\nwhen:\n  pattern: match\n  event: Transaction\n  where: opened * 2 > 1\n";
        assertThatThrownBy(() -> compiler.compile(RuleSetSource.of("shop", Map.of("types.drl", types, "odd.rule.yaml", rule))))
                .isInstanceOfSatisfying(RuleSetCompilationException.class, e -> {
                    var d = e.diagnostics().stream().filter(x -> "odd.rule.yaml".equals(x.file())).findFirst().orElseThrow();
                    assertThat(d.line()).as("the where: line, not the event: one").isEqualTo(5);
                    assertThat(d.column()).as("where the condition starts").isEqualTo(10);
                    assertThat(d.message()).startsWith("the DRL generated for this rule does not compile (line ").contains("see it with vigil dsl");
                });
    }

    @Test
    void ruleFile_withoutDeclaredTypes_saysToDeclareThem() {
        assertThatThrownBy(() -> compiler.compile(RuleSetSource.of("shop", Map.of("velocity.rule.yaml", VELOCITY))))
                .isInstanceOfSatisfying(RuleSetCompilationException.class, e -> assertThat(e.diagnostics()).singleElement()
                        .satisfies(d -> assertThat(d.toString()).isEqualTo("velocity.rule.yaml:3:31: error: unknown event type 'Transaction':"
                                + " the rule set declares no event types; declare them in a .drl file")));
    }
}
