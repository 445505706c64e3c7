package dev.vigil.dsl;

import java.util.Objects;

/**
 * An error in a rule file, positioned where its author can fix it.
 *
 * @param file    the rule file
 * @param line    1-based line, 0 when unknown
 * @param column  1-based column, 0 when unknown
 * @param message what is wrong and what is accepted
 */
public record DslDiagnostic(String file, int line, int column, String message) {
    public DslDiagnostic {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
        if (line < 0 || column < 0) {
            throw new IllegalArgumentException("line and column must not be negative");
        }
    }

    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }
}
