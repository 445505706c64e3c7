package dev.vigil.engine.ruleset;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.engine.api.Diagnostic;
import dev.vigil.engine.api.RuleSetSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A constraint that makes its pattern class reactive through another pattern's variable is a warning of the rule set, at its rule and line. */
class ClassReactivityTest {
    private static final String TYPES = """
            package pkg;
            declare T @role(event) @timestamp(time) @expires(1h) card : String country : String time : long end
            function double distanceKm(String from, String to) { return from.equals(to) ? 0 : 1000; }
            """;

    private final RuleSetCompiler compiler = new RuleSetCompiler();

    @Test
    void compile_constraintReadingAnotherPatternsVariableFirst_warnsOnceAtItsRuleAndLine() {
        var source = RuleSetSource.of("travel", Map.of("rules.drl", TYPES + """
                rule "impossible travel"
                when
                    $a : T($card : card, $from : country)
                    $b : T(card == $card, this after[0ms, 12h] $a,
                           distanceKm($from, country) > 900)
                then
                end
                """));

        try (var compiled = compiler.compile(source)) {
            assertThat(compiled.warnings()).containsExactly(new Diagnostic(Diagnostic.Level.WARNING, "rules.drl", 8, 23,
                    "rule \"impossible travel\": $from is bound in another pattern but is the first value this T constraint reads,"
                            + " so Drools cannot tell which properties of T it depends on and re-evaluates it on any change of one"
                            + " (class reactivity): put the constraint in the pattern that binds $from, or read a property of T first:"
                            + " distanceKm($from, country) > 900",
                    "impossible travel", false));
        }
    }

    @Test
    void compile_constraintReadingItsOwnPropertyFirst_orAnAccumulatesResult_hasNoWarning() {
        var source = RuleSetSource.of("travel", Map.of("rules.drl", TYPES + """
                rule "impossible travel"
                when
                    $a : T($card : card, $from : country)
                    $b : T(card == $card, this after[0ms, 12h] $a, distanceKm(country, $from) > 900)
                then
                end
                rule "many"
                when
                    $a : T($card : card)
                    accumulate(T(card == $card, this before[0ms, 1h] $a); $n : count(); $n > 3 && $card != null)
                then
                end
                """));

        try (var compiled = compiler.compile(source)) {
            assertThat(compiled.warnings()).isEmpty();
        }
    }

    @Test
    void compile_theFraudRules_haveNoWarning() {
        var files = new TreeMap<String, String>();
        try (var paths = Files.list(Path.of("..", "rules", "fraud"))) {
            for (var path : paths.filter(p -> RuleSetSource.isRuleFile(p.getFileName().toString())).toList()) {
                files.put(path.getFileName().toString(), Files.readString(path));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }

        try (var compiled = compiler.compile(RuleSetSource.of("fraud", files))) {
            assertThat(compiled.warnings()).isEmpty();
        }
    }
}
