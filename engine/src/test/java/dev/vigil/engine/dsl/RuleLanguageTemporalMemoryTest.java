package dev.vigil.engine.dsl;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The patterns that relate events across time (sequence, absence, flatline, sustained, new value,
 * change), each over 100,000 events: working memory stays bounded by the pattern's own window.
 * Apart from {@link RuleLanguageMemoryTest} so that the build's two test JVMs share the work; slow:
 * it runs in {@code mvn verify}, not in {@code mvn test}.
 */
@Tag("slow")
class RuleLanguageTemporalMemoryTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.vigil.engine.dsl.RuleLanguageMemoryTest#acrossTime")
    void longStream_keepsMemoryBoundedByThePatternsOwnWindow(RuleLanguageMemoryTest.Case pattern) {
        RuleLanguageMemoryTest.check(pattern);
    }
}
