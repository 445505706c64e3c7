package dev.vigil.dsl;

import dev.vigil.dsl.Expr.Binary;
import dev.vigil.dsl.Yaml.Pos;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A rule of the rule language, read and checked: the syntax tree the DRL is written from.
 *
 * @param name        the rule's name, which the DRL rule takes
 * @param pos         where the rule starts in its file
 * @param description what it is for, or null
 * @param severity    low, medium, high or critical
 * @param suppress    at most one alert per key within this, in event time; zero for none
 * @param pattern     what it matches
 * @param message     the alert's message
 * @param attributes  the alert's attributes beyond the pattern's figures
 */
record RuleSpec(String name, Pos pos, String description, String severity, Duration suppress, Pattern pattern, Template message,
                Map<String, Template> attributes) {

    /**
     * Events of one type that a pattern matches, and the name later steps and templates call them by.
     *
     * @param pos      where its event type is written
     * @param wherePos where its condition's text starts, or null without one
     */
    record Step(String name, EventTypeInfo type, Expr where, Pos pos, Pos wherePos) {
    }

    /** One of the language's patterns. */
    sealed interface Pattern {
        /** The fields that key it: the alert's key. Empty for a match without {@code per}. */
        List<String> per();

        /** The events it matches; the last is the one whose fields templates name without a step. */
        List<Step> steps();

        /** The figures it computes, which templates and attributes may name. */
        default List<String> figures() {
            return List.of();
        }

        /** The key's history it reads as profile buckets, or null when it keeps raw events. */
        default ProfileSpec profile() {
            return null;
        }
    }

    /** Every event that satisfies the condition. */
    record Match(Step event, List<String> per) implements Pattern {
        public List<Step> steps() {
            return List.of(event);
        }
    }

    /**
     * The number of events of a key in a sliding window against a threshold.
     *
     * @param bucket the buckets a window over an hour is held in, or null for raw events
     */
    record Count(Step event, List<String> per, Duration within, Binary threshold, Duration bucket) implements Pattern {
        public List<Step> steps() {
            return List.of(event);
        }

        public List<String> figures() {
            return List.of("count");
        }

        public ProfileSpec profile() {
            return bucket == null ? null : new ProfileSpec(event, per, null, ProfileSpec.Kind.EVENTS, bucket, within);
        }
    }

    /**
     * {@code sum}, {@code avg}, {@code min} or {@code max} of a field over a sliding window against a threshold.
     *
     * @param bucket the buckets a window over an hour is held in, or null for raw events
     */
    record Aggregate(Step event, List<String> per, Duration within, String function, String field, Binary threshold, Duration bucket)
            implements Pattern {
        public List<Step> steps() {
            return List.of(event);
        }

        public List<String> figures() {
            return List.of(function, "count");
        }

        public ProfileSpec profile() {
            return bucket == null ? null : new ProfileSpec(event, per, field, ProfileSpec.Kind.VALUES, bucket, within);
        }
    }

    /**
     * The number of distinct values of a field in a sliding window against a threshold.
     *
     * @param bucket the buckets a window over an hour is held in, or null for raw events
     */
    record Distinct(Step event, List<String> per, Duration within, String field, Binary threshold, Duration bucket) implements Pattern {
        public List<Step> steps() {
            return List.of(event);
        }

        public List<String> figures() {
            return List.of("count", "values");
        }

        public ProfileSpec profile() {
            return bucket == null ? null : new ProfileSpec(event, per, field, ProfileSpec.Kind.LABELS, bucket, within);
        }
    }

    /** Events one after the other for the same key, all within a time of the first. */
    record Sequence(List<Step> steps, List<String> per, Duration within) implements Pattern {
    }

    /** An event not followed by another for the same key within a time. */
    record Absence(Step first, Step missing, List<String> per, Duration within) implements Pattern {
        public List<Step> steps() {
            return List.of(first);
        }
    }

    /** No event for a key that has been seen, for a time. */
    record Flatline(Step event, List<String> per, Duration duration) implements Pattern {
        public List<Step> steps() {
            return List.of(event);
        }
    }

    /** Every event of a key satisfying a condition for at least a time. */
    record Sustained(Step event, List<String> per, Duration duration, Expr condition, Pos conditionPos) implements Pattern {
        public List<Step> steps() {
            return List.of(event);
        }
    }

    /** The rate, or the average of a field, in a recent window more than {@code factor} times that of a baseline window before it. */
    record Spike(Step event, List<String> per, Duration within, Duration baseline, BigDecimal factor, String field, int minEvents)
            implements Pattern {
        public List<Step> steps() {
            return List.of(event);
        }

        public List<String> figures() {
            return List.of("recent", "baseline", "ratio");
        }
    }

    /**
     * Each event of a key judged against the key's own history of a number field, held as a profile.
     *
     * @param history    how much history the profile keeps
     * @param bucket     the length of its buckets
     * @param skip       the most recent time left out of the baseline, zero for none
     * @param seasonal   {@code daily}, {@code weekly}, or null for every bucket of the history
     * @param minHistory the fewest values in the baseline for it to judge
     * @param condition  over the event's fields and the baseline's figures
     */
    record Baseline(Step event, List<String> per, String field, Duration history, Duration bucket, Duration skip, String seasonal,
                    int minHistory, Expr condition, Pos conditionPos) implements Pattern {
        /** What the baseline gives, which its condition, message and attributes may name. */
        static final List<String> FIGURES = List.of("count", "mean", "stddev", "min", "max", "p50", "p90", "p95", "p99", "zscore");

        public List<Step> steps() {
            return List.of(event);
        }

        public List<String> figures() {
            return FIGURES;
        }

        public ProfileSpec profile() {
            return new ProfileSpec(event, per, field, ProfileSpec.Kind.VALUES, bucket, history);
        }
    }

    /**
     * The first time a key shows a value of a field within a memory period.
     *
     * @param bucket the buckets its memory is held in, or null when it is held as raw events (up to an hour)
     */
    record NewValue(Step event, List<String> per, Duration within, String field, boolean newKeys, Duration bucket) implements Pattern {
        public List<Step> steps() {
            return List.of(event);
        }

        public List<String> figures() {
            return List.of("value");
        }

        /** The key's values over its memory, when held as buckets. */
        public ProfileSpec profile() {
            return bucket == null ? null : new ProfileSpec(event, per, field, ProfileSpec.Kind.LABELS, bucket, within);
        }
    }

    /** A field's value differs from the key's previous event. */
    record Change(Step event, List<String> per, Duration within, String field) implements Pattern {
        public List<Step> steps() {
            return List.of(event);
        }

        public List<String> figures() {
            return List.of("value", "previous");
        }
    }
}
