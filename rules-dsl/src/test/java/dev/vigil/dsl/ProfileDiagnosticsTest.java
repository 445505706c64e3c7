package dev.vigil.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The mistakes particular to patterns held as profiles (baseline, windows over an hour), each at its line and column. */
class ProfileDiagnosticsTest {
    private static final String BASELINE = """
            rule: Above usual
            when:
              pattern: baseline
              event: Transaction
              per: cardId
              field: amount
              history: 30d
              condition: amount > 3 * p95
            """;

    private static List<String> problems(String yaml) {
        var generated = TestTypes.compile(yaml);
        assertThat(generated.ok()).isFalse();
        return generated.diagnostics().stream().map(DslDiagnostic::toString).toList();
    }

    @Test
    void baseline_asWritten_compiles() {
        assertThat(TestTypes.compile(BASELINE).diagnostics()).isEmpty();
    }

    @Test
    void condition_unknownFigure_namesTheNearestFiguresAndFields() {
        assertThat(problems(BASELINE.replace("3 * p95", "3 * p59"))).containsExactly("r.rule.yaml:8:27: 'p59' is neither a figure of"
                + " the baseline nor a field of Transaction (did you mean p50?): the figures are count, mean, stddev, min, max, p50, p90,"
                + " p95, p99, zscore; the fields are id, time, cardId, terminalId, amount, country, status");
    }

    @Test
    void condition_textAgainstFigure_isATypeError() {
        assertThat(problems(BASELINE.replace("amount > 3 * p95", "country > p95")))
                .containsExactly("r.rule.yaml:8:24: cannot compare a text with a number: quote the value, as in \"42\"");
    }

    @Test
    void placeholder_unknownFigure_isReported() {
        assertThat(problems(BASELINE + "then: {message: \"{p97}\"}\n")).singleElement().asString()
                .startsWith("r.rule.yaml:9:19: unknown placeholder {p97} (did you mean {p90}?): this rule can name {rule}, {key}, {cardId}, {count},"
                        + " {mean}, {stddev}, {min}, {max}, {p50}, {p90}, {p95}, {p99}, {zscore}, {id}");
    }

    @Test
    void history_badDuration_saysWhatADurationIs() {
        assertThat(problems(BASELINE.replace("history: 30d", "history: 30 days"))).containsExactly("r.rule.yaml:7:12: history: '30 days'"
                + " is not a duration: write a number with ms, s, m, h or d (for example 30s, 10m, 1h30m) or ISO-8601 (PT10M)");
    }

    @Test
    void history_notWholeBuckets_saysToRoundOrGiveABucket() {
        assertThat(problems(BASELINE.replace("history: 30d", "history: 7d12h"))).containsExactly("r.rule.yaml:7:12: history 180h is"
                + " not a whole number of buckets of 1d: make it a multiple of 1d, or give bucket:");
        assertThat(problems(BASELINE.replace("history: 30d", "history: 30d\n  bucket: 7h"))).containsExactly("r.rule.yaml:8:11:"
                + " history 30d is not a whole number of buckets of 7h: make it a multiple of 7h");
    }

    @Test
    void history_overTenThousandBuckets_saysToLengthenThem() {
        assertThat(TestTypes.compile(BASELINE.replace("history: 30d", "history: 10000m\n  bucket: 1m")).diagnostics()).isEmpty();
        assertThat(problems(BASELINE.replace("history: 30d", "history: 10001m\n  bucket: 1m"))).containsExactly("r.rule.yaml:8:11:"
                + " history 10001m in buckets of 1m would be 10001 buckets, and a profile holds at most 10000: give a longer bucket");
    }

    @Test
    void seasonal_withBucketsOtherThanAnHour_isRefused() {
        assertThat(problems(BASELINE.replace("history: 30d", "history: 30d\n  seasonal: daily\n  bucket: 1d"))).containsExactly(
                "r.rule.yaml:9:11: a seasonal baseline compares the same hour of earlier days, so its bucket is 1h, not 1d");
        assertThat(problems(BASELINE.replace("history: 30d", "history: 30d\n  seasonal: monthly"))).containsExactly(
                "r.rule.yaml:8:13: seasonal is daily (the same hour of earlier days) or weekly (the same hour of the same weekday),"
                        + " not 'monthly'");
        assertThat(problems(BASELINE.replace("history: 30d", "history: 7d\n  seasonal: weekly"))).containsExactly(
                "r.rule.yaml:7:12: a weekly baseline needs more history than one period, 7d: as in history: 28d");
    }

    @Test
    void skip_notWholeBucketsOrNotShorterThanHistory_isRefused() {
        assertThat(problems(BASELINE.replace("history: 30d", "history: 30d\n  skip: 12h"))).containsExactly("r.rule.yaml:8:9: skip must"
                + " be a whole number of buckets of 1d and less than the history (30d), not 12h");
        assertThat(problems(BASELINE.replace("history: 30d", "history: 30d\n  seasonal: daily\n  skip: 1d"))).containsExactly(
                "r.rule.yaml:9:9: skip does not go with seasonal: a seasonal baseline reads only the same hour of earlier days, never"
                        + " the latest hours");
    }

    @Test
    void field_notANumber_andMinHistoryNotWhole_areBothReported() {
        assertThat(problems(BASELINE.replace("field: amount", "field: country").replace("history: 30d", "history: 30d\n  minHistory: 2.5")))
                .containsExactly("r.rule.yaml:6:10: a baseline measures a number field, and country is String",
                        "r.rule.yaml:8:15: minHistory must be a whole number from 1 to 1000000, as in minHistory: 10");
    }

    @Test
    void longWindow_thatDoesNotDivideIntoWholeSecondBuckets_isRefused() {
        assertThat(problems("""
                rule: New terminal
                when: {pattern: new-value, event: Transaction, per: cardId, field: terminalId, within: 10007s}
                """)).containsExactly("r.rule.yaml:2:88: a window over 1h is held as buckets of whole seconds, from 60 to 10000 of them,"
                + " and 10007s does not divide so: round it, as in 166m");
    }
}
