package dev.vigil.engine.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UtcTimesTest {
    @Test
    void millis_agreesWithInstantParse_withAndWithoutFractions() {
        var random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            var instant = Instant.ofEpochSecond(random.nextLong(-62_000_000_000L, 253_000_000_000L), random.nextInt(1_000_000_000));
            var text = instant.toString();
            // Instant.toString drops a zero fraction and writes 3, 6 or 9 digits: write 1 to 9 as well.
            var trimmed = text.contains(".") ? text.substring(0, Math.min(text.length() - 1, 20 + 1 + random.nextInt(9))) + "Z" : text;

            assertThat(UtcTimes.millis(text)).as(text).isEqualTo(Instant.parse(text).toEpochMilli());
            assertThat(UtcTimes.millis(trimmed)).as(trimmed).isEqualTo(Instant.parse(trimmed).toEpochMilli());
        }
    }

    @Test
    void millis_leavesOtherFormsAndImpossibleDatesToTheGeneralParser() {
        assertThat(UtcTimes.millis("2026-11-20T10:00:00+01:00")).isEqualTo(UtcTimes.OTHER);
        assertThat(UtcTimes.millis("2026-02-29T10:00:00Z")).as("not a leap year").isEqualTo(UtcTimes.OTHER);
        assertThat(UtcTimes.millis("2024-02-29T10:00:00Z")).isEqualTo(Instant.parse("2024-02-29T10:00:00Z").toEpochMilli());
        assertThat(UtcTimes.millis("2026-11-20T24:00:00Z")).isEqualTo(UtcTimes.OTHER);
        assertThat(UtcTimes.millis("2026-11-20T10:00:60Z")).isEqualTo(UtcTimes.OTHER);
        assertThat(UtcTimes.millis("2026-11-20T10:00:00.Z")).isEqualTo(UtcTimes.OTHER);
        assertThat(UtcTimes.millis("2026-11-20T10:00:00.1x2Z")).isEqualTo(UtcTimes.OTHER);
        assertThat(UtcTimes.millis("2026-11-20 10:00:00Z")).isEqualTo(UtcTimes.OTHER);
        assertThat(UtcTimes.millis("+2026-11-20T10:00:00Z")).isEqualTo(UtcTimes.OTHER);
    }
}
