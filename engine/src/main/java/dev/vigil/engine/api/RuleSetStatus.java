package dev.vigil.engine.api;

/**
 * Whether a rule set's session runs.
 *
 * @param state   running, failed or stopped
 * @param reason  why it failed, else null
 */
public record RuleSetStatus(State state, String reason) {
    /** The life cycle of a session. */
    public enum State { RUNNING, FAILED, STOPPED }

    public static final RuleSetStatus RUNNING = new RuleSetStatus(State.RUNNING, null);
    public static final RuleSetStatus STOPPED = new RuleSetStatus(State.STOPPED, null);

    public static RuleSetStatus failed(String reason) {
        return new RuleSetStatus(State.FAILED, reason);
    }
}
