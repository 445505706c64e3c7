package dev.vigil.engine.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProfileTest {
    private static final long DAY = Duration.ofDays(1).toMillis();
    private static final long HOUR = Duration.ofHours(1).toMillis();
    /** A midnight UTC: daily buckets start here. */
    private static final long D0 = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();

    @Test
    void summary_countsSumsAndSpreadsTheValuesOfItsBuckets() {
        var p = Profile.of("amount", "c1", "1d", "30d");
        p.add(D0 + HOUR, 10);
        p.add(D0 + 2 * HOUR, 20);
        p.add(D0 + DAY + HOUR, 30);

        var s = p.last(D0 + DAY + 2 * HOUR, "30d");

        assertThat(s.count()).isEqualTo(3);
        assertThat(s.sum()).isEqualTo(60);
        assertThat(s.mean()).isEqualTo(20);
        assertThat(s.stddev()).isCloseTo(10, within(1e-9));
        assertThat(s.min()).isEqualTo(10);
        assertThat(s.max()).isEqualTo(30);
        assertThat(s.quantile(0.5)).isEqualTo(20);
        assertThat(s.quantile(0.75)).isEqualTo(25);
        assertThat(s.zscore(40)).isCloseTo(2, within(1e-9));
        assertThat(s.since()).isEqualTo(D0);
    }

    @Test
    void between_leavesTheDayOfTheTimeAskedAboutOut() {
        var p = Profile.of("amount", "c1", "1d", "30d");
        p.add(D0 + HOUR, 10);
        p.add(D0 + DAY + HOUR, 99);

        assertThat(p.between(D0 + DAY + 2 * HOUR, "1d", "30d").count()).isEqualTo(1);
        assertThat(p.between(D0 + DAY + 2 * HOUR, "1d", "30d").max()).isEqualTo(10);
    }

    @Test
    void last_aDayIsTheBucketOfTheTimeOnly_andTheBucketBeforeJoinsAtTwoDays() {
        var p = Profile.of("amount", "c1", "1d", "30d");
        p.add(D0 + DAY - 1, 10);
        p.add(D0 + DAY, 20);

        assertThat(p.last(D0 + DAY, "1d").count()).isEqualTo(1);
        assertThat(p.last(D0 + DAY, "2d").count()).isEqualTo(2);
    }

    @Test
    void values_leaveTheSpanWithTheirBucket_atThirtyDaysNotBefore() {
        var p = Profile.of("amount", "c1", "1d", "30d");
        p.add(D0 + HOUR, 10);
        p.add(D0 + 29 * DAY + HOUR, 20);

        assertThat(p.last(D0 + 30 * DAY - 1, "30d").count()).as("the last millisecond of day 29").isEqualTo(2);
        assertThat(p.last(D0 + 30 * DAY, "30d").count()).as("day 30: the first bucket is out").isEqualTo(1);

        p.add(D0 + 30 * DAY + HOUR, 30);
        assertThat(p.events()).as("day 30 reused day 0's bucket").isEqualTo(2);
        assertThat(p.last(D0 + 30 * DAY + HOUR, "30d").min()).isEqualTo(20);
    }

    @Test
    void add_olderThanTheSpan_isLeftOut() {
        var p = Profile.of("amount", "c1", "1d", "30d");
        p.add(D0 + 40 * DAY, 1);
        p.add(D0 + 10 * DAY, 1000);
        p.add(D0 + 11 * DAY, 1000);

        assertThat(p.events()).as("day 10 is 30 days before day 40, day 11 is not").isEqualTo(2);
        assertThat(p.last(D0 + 40 * DAY, "30d").max()).isEqualTo(1000);
    }

    @Test
    void seasonal_takesTheSameHourOfEarlierDays() {
        var p = Profile.of("load", "web-1", "1h", "8d");
        for (int day = 0; day < 8; day++) {
            for (int hour = 0; hour < 24; hour++) {
                p.add(D0 + day * DAY + hour * HOUR, hour == 9 ? 100 + day : 1);
            }
        }

        var nineOClock = p.seasonal(D0 + 7 * DAY + 9 * HOUR + 30 * 60_000, "1d", 7);

        assertThat(nineOClock.count()).isEqualTo(7);
        assertThat(nineOClock.min()).isEqualTo(100);
        assertThat(nineOClock.max()).isEqualTo(106);
        assertThatThrownBy(() -> p.seasonal(D0, "90m", 2)).hasMessage("a seasonal period must be a whole number of the profile's buckets");
    }

    @Test
    void quantile_isExactForFewValues_andWithinTheSketchErrorForMany() {
        var few = Profile.of("v", "k", "1h", "1d");
        for (int i = 1; i <= 100; i++) {
            few.add(D0 + (i % 24) * HOUR, i);
        }
        assertThat(few.last(D0 + 23 * HOUR, "1d").quantile(0.99)).isCloseTo(99.01, within(1e-9));

        var many = Profile.of("v", "k", "1h", "1d");
        for (int i = 0; i < 100_000; i++) {
            many.add(D0 + (i % 24) * HOUR, i % 1000);
        }
        var s = many.last(D0 + 23 * HOUR, "1d");
        assertThat(s.count()).isEqualTo(100_000);
        assertThat(s.quantile(0.9)).isCloseTo(900, within(30.0));
        assertThat(s.quantile(0.0)).isEqualTo(0);
        assertThat(s.quantile(1.0)).isEqualTo(999);
    }

    @Test
    void labels_areDistinctAcrossBuckets() {
        var p = Profile.of("countries", "c1", "1d", "30d");
        p.note(D0, "NL");
        p.note(D0 + DAY, "NL");
        p.note(D0 + DAY, "BE");

        var s = p.last(D0 + DAY, "30d");
        assertThat(s.distinct()).isEqualTo(2);
        assertThat(s.has("BE")).isTrue();
        assertThat(s.has("RO")).isFalse();
        assertThat(p.last(D0 + 31 * DAY, "30d").has("NL")).as("gone with its buckets").isFalse();
    }

    @Test
    void summary_askedAgainWithoutAnAdd_isTheSame_andAnAddMakesANewOne() {
        var p = Profile.of("amount", "c1", "1d", "30d");
        p.add(D0 + HOUR, 10);
        var first = p.between(D0 + DAY, "1d", "30d");

        assertThat(p.between(D0 + DAY + HOUR, "1d", "30d")).isSameAs(first);
        assertThat(p.between(D0 + 2 * DAY, "1d", "30d")).as("another day: other buckets").isNotSameAs(first);

        p.add(D0 + 2 * HOUR, 20);
        assertThat(p.between(D0 + DAY, "1d", "30d").count()).isEqualTo(2);
        assertThat(first.count()).as("a summary keeps what it was made of").isEqualTo(1);
    }

    @Test
    void idle_afterAWholeSpanWithoutAnything_notAMillisecondBefore() {
        var p = Profile.of("amount", "c1", "1d", "30d");
        p.add(D0, 1);

        assertThat(p.idle(D0 + 30 * DAY - 1)).isFalse();
        assertThat(p.idle(D0 + 30 * DAY)).isTrue();
    }

    @Test
    void idle_ofAProfileNeverFed_countsFromWhenItWasOpened_orIsAtOnceWhenNotTold() {
        var opened = Profile.of("amount", "c1", "1d", "30d").openedAt(D0);
        assertThat(opened.idle(D0 + 30 * DAY - 1)).isFalse();
        assertThat(opened.idle(D0 + 30 * DAY)).isTrue();

        assertThat(Profile.of("amount", "c1", "1d", "30d").idle(D0)).isTrue();

        opened.add(D0 + DAY, 1);
        assertThat(opened.idle(D0 + 31 * DAY - 1)).as("once fed, from its last add").isFalse();
        assertThat(opened.idle(D0 + 31 * DAY)).isTrue();
    }

    @Test
    void emptySummary_hasNothingToSay() {
        var s = Profile.of("amount", "c1", "1d", "30d").last(D0, "30d");

        assertThat(s.isEmpty()).isTrue();
        assertThat(s.count()).isZero();
        assertThat(s.mean()).isNaN();
        assertThat(s.quantile(0.5)).isNaN();
        assertThat(s.stddev()).isZero();
        assertThat(s.since()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void of_refusesSizesPastItsBounds_sayingWhatToDo() {
        assertThatThrownBy(() -> Profile.of("v", "k", "1m", "30d"))
                .hasMessage("a profile holds at most 10000 buckets, and a span of 2592000s in buckets of 60s would need 43200: use longer buckets");
        assertThatThrownBy(() -> Profile.of("v", "k", "500ms", "1h")).hasMessage("a profile's bucket must be at least 1s, not 500ms");
        assertThatThrownBy(() -> Profile.of("v", "k", "1d", "30 days"))
                .hasMessage("'30 days' is not a duration: write it like 500ms, 30s, 10m, 1h30m, 30d or 2w");
        assertThatThrownBy(() -> Profile.of("v", null, "1d", "30d")).hasMessage("a profile needs a name and a key");
    }
}
