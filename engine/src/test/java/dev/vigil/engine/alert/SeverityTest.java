package dev.vigil.engine.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.engine.api.Severity;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Severities as rules name them in {@code @severity}. */
class SeverityTest {

    @ParameterizedTest
    @CsvSource({"low, LOW", "medium, MEDIUM", "High, HIGH", "CRITICAL, CRITICAL", "' high ', HIGH"})
    void parse_nameInAnyCase_givesTheSeverity(String text, Severity expected) {
        assertThat(Severity.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"urgent", "hi", "3"})
    void parse_unknownName_listsTheAcceptedNames(String text) {
        assertThatThrownBy(() -> Severity.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is not a severity: use one of low, medium, high, critical");
    }

    @ParameterizedTest
    @NullAndEmptySource
    void parse_nothing_listsTheAcceptedNames(String text) {
        assertThatThrownBy(() -> Severity.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is not a severity: use one of low, medium, high, critical");
    }

    @ParameterizedTest
    @CsvSource({"LOW, low", "CRITICAL, critical"})
    void label_isTheLowerCaseName(Severity severity, String expected) {
        assertThat(severity.label()).isEqualTo(expected);
    }
}
