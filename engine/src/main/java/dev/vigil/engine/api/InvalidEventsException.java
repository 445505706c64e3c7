package dev.vigil.engine.api;

import java.util.List;
import java.util.stream.Collectors;

/** Events that could not be decoded, with one error per problem. None of the submission was accepted. */
public final class InvalidEventsException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<EventError> errors;

    public InvalidEventsException(List<EventError> errors) {
        super(errors.stream().map(EventError::toString).collect(Collectors.joining("; ")));
        this.errors = List.copyOf(errors);
    }

    /** Every problem found, in event order. */
    public List<EventError> errors() {
        return errors;
    }
}
