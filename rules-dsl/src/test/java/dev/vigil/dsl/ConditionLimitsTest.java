package dev.vigil.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How deep a condition may nest and how many operators it may hold: at the limit it parses and
 * becomes DRL, one past it is refused where it goes past, and far past it is no stack overflow.
 */
class ConditionLimitsTest {
    private static final Conditions.Scope SCOPE = new Conditions.Scope(TestTypes.ALL.get(0), Map.of("first", TestTypes.ALL.get(0)));
    private static final String TOO_DEEP = "the condition nests more than 50 deep (parentheses, calls, not and minus signs):"
            + " write it flatter, or split it";

    private static String drl(String condition) throws ExprParser.ParseException {
        var expr = ExprParser.parse(condition);
        assertThat(Conditions.check(expr, SCOPE)).isEmpty();
        return Conditions.drl(expr, r -> r.field());
    }

    /** A condition of kind {@code kind} nested {@code n} deep, and where its {@code n}-th level starts. */
    private record Nested(String text, int levelAt) {
        static Nested of(String kind, int n) {
            return switch (kind) {
                case "parentheses" -> new Nested("(".repeat(n) + "amount > 1" + ")".repeat(n), n - 1);
                case "not" -> new Nested("not ".repeat(n) + "amount > 1", 4 * (n - 1));
                case "minus" -> new Nested("amount > " + "-".repeat(n) + "1", "amount > ".length() + n - 1);
                case "calls" -> new Nested("abs(".repeat(n) + "amount" + ")".repeat(n) + " > 1", 4 * (n - 1));
                default -> throw new IllegalArgumentException(kind);
            };
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"parentheses", "not", "minus", "calls"})
    void nestedFiftyDeep_parses_andFiftyOneIsRefusedAtTheLevelTooDeep(String kind) throws ExprParser.ParseException {
        assertThat(ExprParser.parse(Nested.of(kind, 50).text())).isNotNull();
        var tooDeep = Nested.of(kind, 51);

        assertThatThrownBy(() -> ExprParser.parse(tooDeep.text())).isInstanceOfSatisfying(ExprParser.ParseException.class, e -> {
            assertThat(e.getMessage()).isEqualTo(TOO_DEEP);
            assertThat(e.at).isEqualTo(tooDeep.levelAt());
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"parentheses", "not", "minus"})
    void nestedFiftyDeep_becomesDrl(String kind) throws ExprParser.ParseException {
        assertThat(drl(Nested.of(kind, 50).text())).contains("amount");
    }

    @ParameterizedTest
    @ValueSource(strings = {"parentheses", "not", "minus", "calls"})
    void nestedTwentyThousandDeep_isRefused_notAStackOverflow(String kind) {
        assertThatThrownBy(() -> ExprParser.parse(Nested.of(kind, 20_000).text())).hasMessage(TOO_DEEP);
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " | ", value = {"amount > 1 | ' and amount > 1'", "amount > 1 | ' + 1'", "amount > 1 | ' or amount < 1'"})
    void fiveHundredOperators_parse_andOneMoreIsRefused(String first, String next) throws ExprParser.ParseException {
        // The comparison in the first part is one operator; each further part adds one or two.
        int per = next.contains(">") || next.contains("<") ? 2 : 1;
        int parts = (500 - 1) / per;
        assertThat(drl(first + next.repeat(parts))).isNotEmpty();
        var tooMany = first + next.repeat(parts + 1);

        assertThatThrownBy(() -> ExprParser.parse(tooMany)).hasMessage("the condition holds more than 500 operators: split it");
        assertThatThrownBy(() -> ExprParser.parse(first + next.repeat(20_000)))
                .hasMessage("the condition holds more than 500 operators: split it");
    }
}
