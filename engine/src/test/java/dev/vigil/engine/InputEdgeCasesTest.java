package dev.vigil.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.vigil.dsl.Durations;
import dev.vigil.engine.api.RuleSetCompilationException;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.engine.event.EventDecoder;
import dev.vigil.engine.ruleset.RuleSetCompiler;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Edge cases of input that once slipped through: odd paths, huge numbers, ambiguous names. */
class InputEdgeCasesTest {
    static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_SINGLE_QUOTES).build();
    static final String RULE = """
            package pkg;
            declare E @role(event) v : int end
            rule "r" when E(v > 1) over window:time(1m) then end
            """;

    @Test
    void source_dotPrefixedPath_isEitherRefusedOrCompiled() {
        for (var path : new String[] {"./r.drl", ".r.drl"}) {
            RuleSetSource source;
            try {
                source = RuleSetSource.of("s", Map.of(path, RULE));
            } catch (IllegalArgumentException refused) {
                continue;
            }
            try (var compiled = new RuleSetCompiler().compile(source)) {
                assertThat(compiled.rules()).as(path).hasSize(1);
            }
        }
    }

    @Test
    void compile_suppressTooLong_isADiagnostic() {
        assertThatThrownBy(() -> new RuleSetCompiler().compile(RuleSetSource.of("s", Map.of("r.drl", """
                package pkg;
                declare E @role(event) v : int end
                rule "r" @suppress("9999999999999999d") when E() over window:time(1m) then end
                """)))).isInstanceOf(RuleSetCompilationException.class);
    }

    @Test
    void durations_tooLong_saysWhatIsAccepted() {
        assertThatThrownBy(() -> Durations.parse("9999999999999999d")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Durations.parse("99999999999999999999s")).hasMessageContaining("is too long a duration");
    }

    @Test
    void decode_ambiguousSimpleName_saysToQualify() throws Exception {
        try (var c = new RuleSetCompiler().compile(RuleSetSource.of("s", Map.of(
                "a.drl", "package a;\ndeclare T @role(event) @expires(1m) v : int end\n",
                "b.drl", "package b;\ndeclare T @role(event) @expires(1m) v : int end\n")))) {
            var d = EventDecoder.forKieBase(c.container().getKieBase(), false, TestClock.at("2026-11-20T10:00:00Z"));
            assertThatThrownBy(() -> d.decode(JSON.readTree("{'type': 'T', 'id': 'x'}"), 0))
                    .hasMessageContaining("a.T").hasMessageContaining("b.T");
        }
    }

    @Test
    void decode_idThatIsAnObject_isOneError() throws Exception {
        try (var c = new RuleSetCompiler().compile(RuleSetSource.of("s", Map.of(
                "a.drl", "package a;\ndeclare T @role(event) @expires(1m) id : String end\n")))) {
            var d = EventDecoder.forKieBase(c.container().getKieBase(), false, TestClock.at("2026-11-20T10:00:00Z"));
            assertThatThrownBy(() -> d.decode(JSON.readTree("{'type': 'T', 'id': {'n': 1}}"), 0))
                    .hasMessage("event 0, field 'id': must be a string");
        }
    }

    @Test
    void decode_hugeNumberIntoInt_saysItDoesNotFit() throws Exception {
        try (var c = new RuleSetCompiler().compile(RuleSetSource.of("s", Map.of(
                "a.drl", "package a;\ndeclare T @role(event) @expires(1m) n : int end\n")))) {
            var d = EventDecoder.forKieBase(c.container().getKieBase(), false, TestClock.at("2026-11-20T10:00:00Z"));
            assertThatThrownBy(() -> d.decode(JSON.readTree("{'type': 'T', 'id': 'x', 'n': 1e400}"), 0))
                    .hasMessageContaining("does not fit an int");
        }
    }

    @Test
    void decode_timeFieldWithoutTimestamp_isFilled() throws Exception {
        try (var c = new RuleSetCompiler().compile(RuleSetSource.of("s", Map.of(
                "a.drl", "package a;\ndeclare Ping @role(event) @expires(1m) time : long end\n")))) {
            var kieBase = c.container().getKieBase();
            var d = EventDecoder.forKieBase(kieBase, false, TestClock.at("2026-11-20T10:00:00Z"));
            var e = d.decode(JSON.readTree("{'type': 'Ping', 'id': 'p1', 'time': 5}"), 0);
            assertThat(kieBase.getFactType("a", "Ping").get(e.fact(), "time")).isEqualTo(5L);
        }
    }
}
