package dev.vigil.engine.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.engine.api.EventTimeBounds;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The bounds of event times: their own range, and what they take against a clock. */
class EventTimeBoundsTest {
    private static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");

    @Test
    void maxAhead_takesSevenDays_andRefusesOneMillisecondMore() {
        assertThat(new EventTimeBounds(EventTimeBounds.FIRST, Duration.ofDays(7)).maxAhead()).isEqualTo(Duration.ofDays(7));
        assertThatThrownBy(() -> new EventTimeBounds(EventTimeBounds.FIRST, Duration.ofDays(7).plusMillis(1)))
                .hasMessage("how far ahead of the clock an event time may be must be between 1s and 7d, was 604800001ms");
    }

    @Test
    void maxAhead_takesOneSecond_andRefusesOneMillisecondLess() {
        assertThat(new EventTimeBounds(EventTimeBounds.FIRST, Duration.ofSeconds(1)).maxAhead()).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> new EventTimeBounds(EventTimeBounds.FIRST, Duration.ofMillis(999)))
                .hasMessage("how far ahead of the clock an event time may be must be between 1s and 7d, was 999ms");
    }

    @Test
    void earliest_takesTheTimesAClockHolds_andRefusesOneMillisecondBeyond() {
        assertThat(new EventTimeBounds(EventTimeBounds.LAST, null).earliest()).isEqualTo(EventTimeBounds.LAST);
        assertThat(new EventTimeBounds(EventTimeBounds.FIRST, null).earliest()).isEqualTo(Instant.EPOCH);
        assertThatThrownBy(() -> new EventTimeBounds(EventTimeBounds.LAST.plusMillis(1), null))
                .hasMessage("the earliest event time must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z,"
                        + " was +10000-01-01T00:00:00Z");
        assertThatThrownBy(() -> new EventTimeBounds(Instant.EPOCH.minusMillis(1), null))
                .hasMessageEndingWith("was 1969-12-31T23:59:59.999Z");
    }

    @Test
    void latest_isTheClockPlusMaxAhead_andNeverPastTheLastTime() {
        long now = NOW.toEpochMilli();

        assertThat(EventTimeBounds.LIVE.latest(now)).isEqualTo(NOW.plus(Duration.ofHours(1)).toEpochMilli());
        assertThat(EventTimeBounds.HISTORY.latest(now)).isEqualTo(EventTimeBounds.LAST.toEpochMilli());
        assertThat(EventTimeBounds.LIVE.latest(Long.MAX_VALUE)).isEqualTo(EventTimeBounds.LAST.toEpochMilli());
    }

    @Test
    void admits_anHourAhead_butNotAMillisecondMore() {
        long now = NOW.toEpochMilli();

        assertThat(EventTimeBounds.LIVE.admits(now + 3_600_000, now)).isTrue();
        assertThat(EventTimeBounds.LIVE.admits(now + 3_600_001, now)).isFalse();
        assertThat(EventTimeBounds.HISTORY.admits(now + 3_600_001, now)).isTrue();
    }

    @Test
    void representable_givesTheMillisOfTheTimesAClockHolds_andRefusesTheRest() {
        assertThat(EventTimeBounds.representable(EventTimeBounds.LAST)).isEqualTo(253_402_300_799_999L);
        assertThatThrownBy(() -> EventTimeBounds.representable(Instant.parse("+999999999-12-31T23:59:59Z")))
                .hasMessage("+999999999-12-31T23:59:59Z is outside the times a rule set's clock can hold,"
                        + " 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z");
    }
}
