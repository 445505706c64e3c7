package dev.vigil.engine.ruleset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.vigil.engine.api.Diagnostic;
import dev.vigil.engine.api.RuleInfo;
import dev.vigil.engine.api.RuleSetCompilationException;
import dev.vigil.engine.api.RuleSetSource;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rules nested deeper than Drools' parser takes: refused with a diagnostic naming the file and
 * line, never a stack overflow out of the compiler.
 */
class NestingLimitTest {
    private static final String TYPES = """
            package pkg;
            declare Transaction
                @role(event)
                @timestamp(time)
                time : long
                amount : double
            end
            """;
    private final RuleSetCompiler compiler = new RuleSetCompiler();

    private static String constraintNested(int depth) {
        return TYPES + "rule \"deep\" when\n    Transaction(amount > " + "(".repeat(depth) + "1" + ")".repeat(depth) + ")\nthen end\n";
    }

    private RuleSetCompilationException refused(Map<String, String> files) {
        return catchThrowableOfType(RuleSetCompilationException.class, () -> compiler.compile(RuleSetSource.of("deep", files)));
    }

    @Test
    void compile_twentyThousandNestedBrackets_isADiagnosticAtTheFileAndLine() {
        var thrown = refused(Map.of("deep.drl", constraintNested(20_000)));

        assertThat(thrown.diagnostics()).extracting(Diagnostic::level, Diagnostic::file, Diagnostic::line, Diagnostic::column, Diagnostic::message)
                .containsExactly(tuple(Diagnostic.Level.ERROR, "deep.drl", 9, 125, "brackets nest more than 100 deep here, more than"
                        + " Drools' parser is given: write the condition or expression flatter"));
    }

    @Test
    void compile_bracketsNestedOneHundredDeep_compile_andOneMoreIsRefused() {
        // The rule's own pattern is the first level.
        try (var compiled = compiler.compile(RuleSetSource.of("deep", Map.of("deep.drl", constraintNested(99))))) {
            assertThat(compiled.rules()).extracting(RuleInfo::name).containsExactly("deep");
        }

        assertThat(refused(Map.of("deep.drl", constraintNested(100))).diagnostics())
                .extracting(Diagnostic::file, Diagnostic::line).containsExactly(tuple("deep.drl", 9));
    }

    @Test
    void compile_bracketsInCommentsAndStrings_doNotCount() {
        var deep = "(".repeat(500);
        var source = RuleSetSource.of("deep", Map.of("deep.drl", TYPES + "// " + deep + "\n/* " + deep + "\n" + deep + " */\n"
                + "rule \"quoted\" when\n    $t : Transaction()\nthen\n    String s = \"" + deep + "\\\"" + deep + "\";\n"
                + "    char c = '(';\nend\n"));

        try (var compiled = compiler.compile(source)) {
            assertThat(compiled.rules()).extracting(RuleInfo::name).containsExactly("quoted");
        }
    }

    @Test
    void compile_deepNestingInAConsequence_isRefusedAtItsLine() {
        var thrown = refused(Map.of("a.drl", TYPES, "b.drl", "package pkg;\nrule \"deep\" when\n    Transaction()\nthen\n"
                + "    int x = " + "(".repeat(200) + "1" + ")".repeat(200) + ";\nend\n"));

        assertThat(thrown.diagnostics()).extracting(Diagnostic::file, Diagnostic::line, Diagnostic::column)
                .containsExactly(tuple("b.drl", 5, 113));
    }

    @Test
    void compile_nestingWithoutBrackets_thatRunsDroolsOutOfStack_isADiagnostic() {
        // Each minus sign is a level of Drools' parser, and not a bracket.
        var signs = TYPES + "rule \"signs\" when\n    Transaction(amount > " + "- ".repeat(20_000) + "1)\nthen end\n";
        var rule = """
                rule: big
                when:
                  pattern: match
                  event: Transaction
                  where: "amount > 10"
                then:
                  message: "big"
                """;

        assertThat(refused(Map.of("signs.drl", signs, "big.rule.yaml", rule)).diagnostics()).extracting(Diagnostic::message)
                .contains("the rules nest too deeply for Drools to build (it ran out of stack):"
                        + " write long or deeply nested conditions and expressions flatter, or split them");
    }

    @Test
    void compile_aRuleLanguageConditionNestedTwentyThousandDeep_isADiagnosticAtItsLine() {
        var rule = """
                rule: deep
                when:
                  pattern: match
                  event: Transaction
                  where: "%s"
                then:
                  message: "deep"
                """.formatted("(".repeat(20_000) + "amount > 1" + ")".repeat(20_000));

        assertThat(refused(Map.of("types.drl", TYPES, "deep.rule.yaml", rule)).diagnostics())
                .extracting(Diagnostic::file, Diagnostic::line, Diagnostic::message)
                .containsExactly(tuple("deep.rule.yaml", 5, "the condition does not parse: the condition nests more than 50 deep (parentheses, calls, not and minus"
                        + " signs): write it flatter, or split it"));
    }
}
