package dev.vigil.engine.ruletest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.engine.api.RuleTestFormatException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Times in rule test files that no rule set's clock can hold: refused with the file and line, before anything runs. */
class RuleTestTimesTest {
    private static final String OUTSIDE = " is outside the times a rule set's clock can hold, 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z";

    @Test
    void aStartNoClockCanHold_isRefusedAtTheCase() {
        assertThatThrownBy(() -> RuleTests.parse("far.test.yaml", """
                name: far
                start: "+999999999-12-31T23:59:59Z"
                events:
                  - {at: 0s, type: Transaction, accountId: a1}
                exactly: true
                """)).isInstanceOf(RuleTestFormatException.class)
                .hasMessage("far.test.yaml:1: start: +999999999-12-31T23:59:59Z" + OUTSIDE);
    }

    @Test
    void anEventTimeNoClockCanHold_isRefusedAtItsLine() {
        assertThatThrownBy(() -> RuleTests.parse("far.test.yaml", """
                name: far
                events:
                  - {at: 0s, type: Transaction, accountId: a1}
                  - {time: "-999999999-01-01T00:00:00Z", type: Transaction, accountId: a1}
                exactly: true
                """)).isInstanceOf(RuleTestFormatException.class)
                .hasMessage("far.test.yaml:4: time: -999999999-01-01T00:00:00Z" + OUTSIDE);
    }

    @Test
    void untilTheLastTime_isTaken_andOneMillisecondPastIsRefused() {
        var last = """
                name: last
                start: 9999-12-31T23:59:59Z
                events:
                  - {at: 0s, type: Transaction, accountId: a1}
                exactly: true
                until: %s
                """;

        assertThat(RuleTests.parse("last.test.yaml", last.formatted("999ms")).get(0).start()).isEqualTo(Instant.parse("9999-12-31T23:59:59Z"));
        assertThatThrownBy(() -> RuleTests.parse("last.test.yaml", last.formatted("1s"))).isInstanceOf(RuleTestFormatException.class)
                .hasMessage("last.test.yaml:1: until: +10000-01-01T00:00:00Z" + OUTSIDE);
    }
}
