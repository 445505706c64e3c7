package dev.vigil.dsl;

import java.util.List;
import java.util.Objects;

/**
 * What a rule of the rule language groups its events by: the fields of its {@code per}, which
 * every event type it matches has. A rule set spread over several sessions by a key field can
 * take the key from these.
 *
 * @param rule       the rule's name
 * @param line       the line of the rule file where the rule starts
 * @param per        the fields of its {@code per}, in the order written; empty for a match without one
 * @param eventTypes the simple names of the event types it matches (a sequence's steps, an
 *                   absence's missing event too), each once, in the order written
 */
public record RuleKey(String rule, int line, List<String> per, List<String> eventTypes) {
    public RuleKey {
        Objects.requireNonNull(rule, "rule");
        per = List.copyOf(per);
        eventTypes = List.copyOf(eventTypes);
    }

    /** Whether it names no key: a match without {@code per}. */
    public boolean isUnkeyed() {
        return per.isEmpty();
    }
}
