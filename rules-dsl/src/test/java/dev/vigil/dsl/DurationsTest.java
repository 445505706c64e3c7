package dev.vigil.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** The durations rule authors write in {@code @suppress} and settings. */
class DurationsTest {

    @ParameterizedTest
    @CsvSource({
            "500ms, PT0.5S",
            "30s, PT30S",
            "10m, PT10M",
            "1h30m, PT1H30M",
            "2d, PT48H",
            "1m500ms, PT1M0.5S",
            "0s, PT0S",
            "PT10M, PT10M",
            "pt10m, PT10M",
            "' 30s ', PT30S"
    })
    void parse_acceptedForm_givesTheDuration(String text, Duration expected) {
        assertThat(Durations.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"30", "s", "10 m", "1.5h", "-5s", "5x", "10M", "30s ago", "PT", "P1Y"})
    void parse_otherText_saysWhatIsAccepted(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is not a duration: write a number with ms, s, m, h or d"
                        + " (for example 30s, 10m, 1h30m) or ISO-8601 (PT10M)");
    }

    @ParameterizedTest
    @NullAndEmptySource
    void parse_nothing_saysWhatIsAccepted(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("'" + text + "' is not a duration: ");
    }
}
