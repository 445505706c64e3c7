package dev.vigil.engine.api;

/** Events were posted to a rule set that takes its events from a source of its own (a Kafka topic). */
public final class SourcedElsewhereException extends RuntimeException {
    private final String ruleSet;
    private final EventSource source;

    public SourcedElsewhereException(String ruleSet, EventSource source) {
        super("rule set '" + ruleSet + "' takes its events from " + source.describe() + ", not from the API: send them there");
        this.ruleSet = ruleSet;
        this.source = source;
    }

    public String ruleSet() {
        return ruleSet;
    }

    public EventSource source() {
        return source;
    }
}
