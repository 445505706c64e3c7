package dev.vigil.engine.api;

/**
 * Why one event of a submission was refused.
 *
 * @param index   the event's 0-based position in the submission
 * @param eventId the event's id when it has one, else null
 * @param field   the JSON property at fault ({@code type}, {@code time}, {@code amount}), or null for the event as a whole
 * @param message what is wrong with it
 */
public record EventError(int index, String eventId, String field, String message) {
    @Override
    public String toString() {
        return "event " + index + (eventId == null ? "" : " (id " + eventId + ")")
                + (field == null ? "" : ", field '" + field + "'") + ": " + message;
    }
}
