package dev.vigil.engine.api;

import java.util.List;

/**
 * What a rule consulted to judge its trigger, beside the alert's evidence: the events its
 * {@code accumulate}s folded and those its profiles hold, as a count and the ids of the newest few.
 *
 * <p>"Amount far above the card's usual" fires on one payment (its evidence) after looking at the
 * card's 30-day history (its context): the history is what the payment was measured against, not
 * what is wrong, and it grows with the window, so only its size and its newest ids are kept.
 *
 * @param events how many events were consulted: the distinct events the accumulates folded, plus
 *               the events held by the profiles the rule's patterns bound
 * @param ids    ids of the newest of the folded events, at most {@link #MAX_IDS}, oldest first
 */
public record AlertContext(long events, List<String> ids) {
    /** The most ids a context names. */
    public static final int MAX_IDS = 5;
    /** Nothing consulted: a rule of patterns alone. */
    public static final AlertContext NONE = new AlertContext(0, List.of());

    public AlertContext {
        if (events < 0) {
            throw new IllegalArgumentException("a context's events cannot be negative, got " + events);
        }
        ids = List.copyOf(ids);
        if (ids.size() > MAX_IDS) {
            throw new IllegalArgumentException("a context names at most " + MAX_IDS + " event ids, got " + ids.size());
        }
        if (events < ids.size()) {
            throw new IllegalArgumentException("a context of " + events + " events cannot name " + ids.size() + " of them");
        }
    }
}
