package dev.vigil.dsl;

import dev.vigil.dsl.RuleSpec.Step;
import java.time.Duration;
import java.util.List;

/**
 * A key's history held as a profile (time buckets of summaries, never raw events), as rules of the
 * language need it: which events feed it, keyed by what, what of them it keeps, in which buckets
 * over how long. Rules that need the same history share one profile, and its helper rules (open,
 * add, forget) are written once per rule set.
 *
 * @param event  the events that feed it, with their condition
 * @param per    the fields that key it
 * @param field  the field it keeps; null for {@link Kind#EVENTS}
 * @param kind   what it keeps of each event
 * @param bucket the length of a bucket
 * @param span   how long it keeps, a whole number of buckets
 */
record ProfileSpec(Step event, List<String> per, String field, Kind kind, Duration bucket, Duration span) {
    /** The most buckets a profile holds (the engine's limit). */
    static final int MAX_BUCKETS = 10_000;

    /** What a profile keeps of each event. */
    enum Kind {
        /** The field's value: count, sum, squares, min, max and quantiles. */
        VALUES,
        /** The field's value as a label: which values were seen. */
        LABELS,
        /** That the event happened: its count. */
        EVENTS
    }

    /**
     * The profile's name, from everything that makes it what it is, so that rules needing the same
     * history find the same profile and rules needing another never do: {@code "shop.Transaction
     * amount per cardId where amount > 0, 30d in 1d buckets"}.
     */
    String name() {
        var what = switch (kind) {
            case VALUES -> " " + field;
            case LABELS -> " " + field + " values";
            case EVENTS -> " events";
        };
        var where = event.where() == null ? "" : " where " + Conditions.drl(event.where(), r -> r.field());
        return event.type().qualifiedName() + what + " per " + String.join("/", per) + where + ", " + Durations.format(span) + " in "
                + Durations.format(bucket) + " buckets";
    }
}
