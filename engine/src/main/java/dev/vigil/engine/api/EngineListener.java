package dev.vigil.engine.api;


/**
 * Receives what rule sets produce. Called on the rule set's worker thread: hand the value to a
 * queue and return, so a slow consumer never stalls rule evaluation.
 */
public interface EngineListener {
    /** A rule raised an alert that was neither a repeat nor suppressed. */
    default void onAlert(Alert alert) {
    }

    /** A rule's consequence threw; the session went on. */
    default void onRuleError(RuleError error) {
    }

    /**
     * An event arrived behind the watermark. {@code inserted} tells whether the late policy still
     * inserted it ({@code PROCESS}) or left it out ({@code DROP}).
     */
    default void onLateEvent(String ruleSet, Event event, long watermark, boolean inserted) {
    }

    /**
     * A rule set's session processed one submission.
     *
     * @param events          how many events it held
     * @param waitedNanos     how long it waited in the queue after it was accepted
     * @param processingNanos how long inserting it and firing the rules took
     */
    default void onProcessed(String ruleSet, int events, long waitedNanos, long processingNanos) {
    }

    /** A rule set stopped: its rules looped without end or its session broke. Others keep running. */
    default void onRuleSetFailed(String ruleSet, String reason) {
    }

    /**
     * Version {@code version} of a rule set stopped (as {@link #onRuleSetFailed(String, String)},
     * which it calls unless overridden): for a listener that keeps the failure with the version.
     */
    default void onRuleSetFailed(String ruleSet, int version, String reason) {
        onRuleSetFailed(ruleSet, reason);
    }

    /** A listener that ignores everything. */
    EngineListener NONE = new EngineListener() {
    };
}
