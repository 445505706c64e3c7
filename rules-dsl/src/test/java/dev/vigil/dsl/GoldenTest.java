package dev.vigil.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The DRL each pattern compiles to, against a reviewed copy in {@code src/test/resources/golden}:
 * a change to what the language generates shows up here as a diff to read. Run with
 * {@code -Dvigil.golden.write=true} to write the copies anew, then review them.
 */
class GoldenTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    /**
     * Each pattern, and the variants whose DRL differs in shape: a seasonal baseline, a new-value over an hour or
     * less (raw events), count, aggregate and distinct over more than an hour (profiles).
     */
    static Stream<String> patterns() {
        return Stream.concat(RuleDsl.patterns().stream(), Stream.of("baseline-seasonal", "new-value-short", "count-long", "aggregate-long", "distinct-long"));
    }

    @ParameterizedTest
    @MethodSource("patterns")
    void compile_eachPattern_givesTheReviewedDrl(String pattern) throws IOException {
        var file = pattern + ".rule.yaml";
        var yaml = Files.readString(GOLDEN.resolve(file), StandardCharsets.UTF_8);
        var generated = RuleDsl.compile(file, yaml, TestTypes.ALL);
        assertThat(generated.diagnostics()).isEmpty();
        var expected = GOLDEN.resolve(pattern + ".drl");
        if (Boolean.getBoolean("vigil.golden.write")) {
            Files.writeString(expected, generated.drl(), StandardCharsets.UTF_8);
        }
        assertThat(generated.drl()).isEqualTo(Files.readString(expected, StandardCharsets.UTF_8));
    }

    @Test
    void sourceLines_mapEachStepsPatternToItsWhere_andTheRestToTheRule() throws IOException {
        var yaml = Files.readString(GOLDEN.resolve("sequence.rule.yaml"), StandardCharsets.UTF_8);
        var generated = RuleDsl.compile("sequence.rule.yaml", yaml, TestTypes.ALL);
        var drl = generated.drl().lines().toList();
        int probe = drl.indexOf(drl.stream().filter(l -> l.startsWith("    $probe : ")).findFirst().orElseThrow()) + 1;
        int second = drl.indexOf(drl.stream().filter(l -> l.startsWith("    $second : ")).findFirst().orElseThrow()) + 1;
        int rule = drl.indexOf("rule \"Small then large\"") + 1;
        assertThat(new int[] {generated.sourceLine(probe), generated.sourceColumn(probe)}).containsExactly(10, 14);
        assertThat(new int[] {generated.sourceLine(second), generated.sourceColumn(second)}).containsExactly(12, 14);
        assertThat(new int[] {generated.sourceLine(rule), generated.sourceColumn(rule)}).containsExactly(1, 0);
    }
}
