package dev.vigil.engine.api;

/**
 * Why one event of a submission was refused.
 *
 * @param index   the event's 0-based position in the submission
 * @param eventId the event's id when it has one, else null
 * @param field   the JSON property at fault ({@code type}, {@code time}, {@code amount}), or null for the event as a whole
 * @param message what is wrong with it
 * @param ruleSet the rule set whose event types it was decoded against, or null when it is not about one
 */
public record EventError(int index, String eventId, String field, String message, String ruleSet) {
    public EventError(int index, String eventId, String field, String message) {
        this(index, eventId, field, message, null);
    }

    /** The same problem, found against rule set {@code name}'s event types. */
    public EventError withRuleSet(String name) {
        return new EventError(index, eventId, field, message, name);
    }

    @Override
    public String toString() {
        return "event " + index + (eventId == null ? "" : " (id " + eventId + ")")
                + (field == null ? "" : ", field '" + field + "'") + ": " + message;
    }
}
