package dev.vigil.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Where a rebuild starts: the first record still in a window, and the first still waiting for the watermark. */
class OffsetTimesTest {
    @Test
    void theRebuildStarts_atTheFirstRecordNotOlderThanTheHorizon_onBothSidesOfIt() {
        var window = new OffsetTimes();
        for (int i = 0; i < 200; i++) {
            window.add(100 + i, 1_000L * i);
        }
        assertThat(window.firstSince(49_999, 300)).as("one ms before record 50's time").isEqualTo(150);
        assertThat(window.firstSince(50_000, 300)).as("at it").isEqualTo(150);
        assertThat(window.firstSince(50_001, 300)).as("one ms after").isEqualTo(151);
        assertThat(window.size()).isEqualTo(149);
        assertThat(window.firstSince(500_000, 300)).as("every record older").isEqualTo(300);
        assertThat(window.size()).isZero();
    }

    @Test
    void aLaterRecordBehindAnEarlierOne_staysUntilThoseBeforeItGo_soTheRebuildReadsMoreNeverLess() {
        var window = new OffsetTimes();
        window.add(1, 10_000);
        window.add(2, 1_000);
        window.add(3, 20_000);
        assertThat(window.firstSince(5_000, 4)).isEqualTo(1);
        assertThat(window.firstSince(15_000, 4)).isEqualTo(3);
    }

    @Test
    void theRecordsAheadOfTheWatermark_areTheHeldOnes_countedBackFromTheNewest() {
        var window = new OffsetTimes();
        window.add(1, 1_000);
        window.add(2, 5_000);
        window.add(3, 2_000);
        window.add(4, 6_000);
        assertThat(window.firstHeld(4_000, 2, 5)).isEqualTo(2);
        assertThat(window.firstHeld(5_000, 1, 5)).as("at the watermark is released").isEqualTo(4);
        assertThat(window.firstHeld(6_000, 0, 5)).as("none held").isEqualTo(5);
    }
}
