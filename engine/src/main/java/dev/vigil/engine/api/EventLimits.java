package dev.vigil.engine.api;

/**
 * The size one event may have, checked before it is decoded.
 *
 * @param fieldsPerEvent the most top-level fields an event may have
 * @param stringLength   the most characters a string value may have
 */
public record EventLimits(int fieldsPerEvent, int stringLength) {
    /** No limit beyond what the decoder itself takes. */
    public static final EventLimits NONE = new EventLimits(Integer.MAX_VALUE, Integer.MAX_VALUE);

    public EventLimits {
        if (fieldsPerEvent < 1 || stringLength < 1) {
            throw new IllegalArgumentException("event limits must be positive, were " + fieldsPerEvent + " fields and "
                    + stringLength + " characters");
        }
    }
}
