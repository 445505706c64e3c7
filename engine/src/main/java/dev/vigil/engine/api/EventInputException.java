package dev.vigil.engine.api;

/**
 * An input of events that cannot be read as such: a line that is not JSON, a CSV value that is
 * not of its field's type. (An event that reads but does not fit its type is the decoder's to
 * report, by index.)
 */
public final class EventInputException extends RuntimeException {
    private final long line;
    private final String column;

    /** {@code column} may be null. */
    public EventInputException(long line, String column, String problem) {
        super("line " + line + (column == null ? "" : ", column '" + column + "'") + ": " + problem);
        this.line = line;
        this.column = column;
    }

    /** The input's line, from 1. */
    public long line() {
        return line;
    }

    /** The CSV column, or null. */
    public String column() {
        return column;
    }
}
