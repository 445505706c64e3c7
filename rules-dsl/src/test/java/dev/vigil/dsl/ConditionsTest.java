package dev.vigil.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Conditions as written, and the DRL constraints they become. */
class ConditionsTest {
    private static final Conditions.Scope SCOPE = new Conditions.Scope(TestTypes.ALL.get(0), Map.of("first", TestTypes.ALL.get(0)));

    private static String drl(String condition) throws ExprParser.ParseException {
        var expr = ExprParser.parse(condition);
        assertThat(Conditions.check(expr, SCOPE)).isEmpty();
        return Conditions.drl(expr, r -> r.step() == null ? r.field() : "$" + r.step() + "." + r.field());
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", quoteCharacter = '`', value = {
            "amount > 0 => amount > 0",
            "amount = 5 AND country != 'NL' => amount == 5 && country != \"NL\"",
            "amount > 10 * first.amount => amount > 10 * $first.amount",
            "not (status == 'ok' or status == 'pending') => !(status == \"ok\" || status == \"pending\")",
            "(amount - 1) * 2 > 3 or amount < -2 => (amount - 1) * 2 > 3 || amount < -2",
            "amount - (1 - 2) > 0 => amount - (1 - 2) > 0",
            "country not in ['NL', \"BE\"] and amount >= 1_000 => country not in (\"NL\", \"BE\") && amount >= 1000",
            "status matches '^dec.*' || status contains 'x' => status matches \"^dec.*\" || status contains \"x\"",
            "status == null or amount > 0.5e1 => status == null || amount > 5",
            "status == 'say \\\"hi\\\"' => status == \"say \\\"hi\\\"\"",
    })
    void condition_asDrl_keepsItsMeaning(String condition, String expected) throws ExprParser.ParseException {
        assertThat(drl(condition)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", quoteCharacter = '`', value = {
            "amount > => 8 => expected a value after '>'",
            "amount > 5 5 => 11 => unexpected '5': expected an operator (and, or, ==, >, +, ...) or the end",
            "amount in 5 => 10 => expected a list after 'in', such as in [\"NL\", \"BE\"]",
            "status == 'open => 10 => the text starting here has no closing '",
            "amount > 5m => 9 => '5m' is not a number: a duration or unit is not allowed here",
    })
    void condition_thatDoesNotParse_saysWhereAndWhat(String condition, int at, String message) {
        assertThatThrownBy(() -> ExprParser.parse(condition)).isInstanceOfSatisfying(ExprParser.ParseException.class, e -> {
            assertThat(e.at).isEqualTo(at);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", quoteCharacter = '`', value = {
            "amount + 1 => the condition is a number, not true or false: compare it, as in amount > 0",
            "amount > 'x' => cannot compare a number with a text",
            "country * 2 > 1 => '*' needs numbers, and this is a text",
            "amount > 1 and status => 'and' joins conditions, and this is a text: compare it, as in amount > 0",
            "sum(amount) > 1 => 'sum(...)' is not allowed in a condition: compare fields and values",
    })
    void condition_thatIsUnsound_isRefused(String condition, String message) throws ExprParser.ParseException {
        assertThat(Conditions.check(ExprParser.parse(condition), SCOPE)).extracting(Conditions.Problem::message).containsExactly(message);
    }
}
