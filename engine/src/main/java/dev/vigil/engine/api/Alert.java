package dev.vigil.engine.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a rule raised.
 *
 * @param id         derived from rule set, rule, key and evidence (and the event time when there is no evidence):
 *                   the same cause always has the same id
 * @param ruleSet    the rule set's name
 * @param version    the rule set version that raised it
 * @param rule       the rule's name
 * @param severity   from the rule's {@code @severity}
 * @param key        what the alert is about (an account, a host)
 * @param message    the rule's text for humans
 * @param eventTime  the session clock when the rule fired: event time in event-time mode
 * @param firedAt    the wall clock when the rule fired
 * @param evidence   ids of the events the rule's own patterns bound, what triggered it, oldest first; not the
 *                   events an {@code accumulate} folded, which are in {@code context}
 * @param context    what the rule consulted beside its evidence: the events its accumulates and profiles hold
 * @param attributes free values the rule attached
 */
public record Alert(
        String id,
        String ruleSet,
        int version,
        String rule,
        Severity severity,
        String key,
        String message,
        Instant eventTime,
        Instant firedAt,
        List<String> evidence,
        AlertContext context,
        Map<String, Object> attributes) {

    public Alert {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(ruleSet, "ruleSet");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(eventTime, "eventTime");
        Objects.requireNonNull(firedAt, "firedAt");
        evidence = List.copyOf(evidence);
        Objects.requireNonNull(context, "context");
        attributes = Map.copyOf(attributes);
    }
}
