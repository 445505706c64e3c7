package dev.vigil.engine.ruleset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.engine.api.RuleSetSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each setting that sizes a rule set's memory or time, at both ends of its range. */
class RuleSetSettingsTest {
    private static final RuleSetSettings S = RuleSetSettings.DEFAULTS;

    @Test
    void queueCapacity_takesAMillion_andRefusesOneMore() {
        assertThat(S.withQueueCapacity(1_000_000).queueCapacity()).isEqualTo(1_000_000);
        assertThatThrownBy(() -> S.withQueueCapacity(1_000_001))
                .hasMessage("queueCapacity must be between 1 and 1000000, was 1000001");
        assertThatThrownBy(() -> S.withQueueCapacity(Integer.MAX_VALUE))
                .hasMessage("queueCapacity must be between 1 and 1000000, was 2147483647");
    }

    @Test
    void queueCapacity_takesOne_andRefusesZero() {
        assertThat(S.withQueueCapacity(1).queueCapacity()).isEqualTo(1);
        assertThatThrownBy(() -> S.withQueueCapacity(0)).hasMessage("queueCapacity must be between 1 and 1000000, was 0");
    }

    @Test
    void maxFiringsPerStep_takesAMillion_andRefusesOneMore() {
        assertThat(S.withMaxFiringsPerStep(1_000_000).maxFiringsPerStep()).isEqualTo(1_000_000);
        assertThatThrownBy(() -> S.withMaxFiringsPerStep(1_000_001))
                .hasMessage("maxFiringsPerStep must be between 1 and 1000000, was 1000001");
    }

    @Test
    void maxFiringsPerStep_takesOne_andRefusesZero() {
        assertThat(S.withMaxFiringsPerStep(1).maxFiringsPerStep()).isEqualTo(1);
        assertThatThrownBy(() -> S.withMaxFiringsPerStep(0)).hasMessage("maxFiringsPerStep must be between 1 and 1000000, was 0");
    }

    @Test
    void allowedLateness_takesThirtyDays_andRefusesOneMillisecondMore() {
        assertThat(S.withAllowedLateness(Duration.ofDays(30)).allowedLateness()).isEqualTo(Duration.ofDays(30));
        assertThatThrownBy(() -> S.withAllowedLateness(Duration.ofDays(30).plusMillis(1)))
                .hasMessage("allowedLateness must be between 0ms and 30d, was 2592000001ms");
    }

    @Test
    void allowedLateness_takesZero_andRefusesLess() {
        assertThat(S.withAllowedLateness(Duration.ZERO).allowedLateness()).isZero();
        assertThatThrownBy(() -> S.withAllowedLateness(Duration.ofMillis(-1)))
                .hasMessage("allowedLateness must be between 0ms and 30d, was -1ms");
    }

    @Test
    void idleTimeout_takesADay_andRefusesOneMillisecondMore() {
        assertThat(S.withIdleTimeout(Duration.ofDays(1)).idleTimeout()).isEqualTo(Duration.ofDays(1));
        assertThatThrownBy(() -> S.withIdleTimeout(Duration.ofDays(1).plusMillis(1)))
                .hasMessage("idleTimeout must be between 0ms and 1d, was 86400001ms");
    }

    @Test
    void idleTimeout_takesZero_andRefusesLess() {
        assertThat(S.withIdleTimeout(Duration.ZERO).idleTimeout()).isZero();
        assertThatThrownBy(() -> S.withIdleTimeout(Duration.ofMillis(-1))).hasMessage("idleTimeout must be between 0ms and 1d, was -1ms");
    }
}
