package dev.vigil.engine.api;

import java.util.Locale;
import java.util.Objects;

/**
 * One problem found while compiling a rule set, positioned in the author's file.
 *
 * @param level   error (the rule set does not deploy) or warning (it does, but look)
 * @param file    the rule set's file, or null when the problem belongs to the rule set as a whole
 * @param line    1-based line, 0 when unknown
 * @param column  1-based column, 0 when unknown
 * @param message what is wrong, in words a rule author can act on
 * @param rule    the name of the rule the problem is in, or null when it is in none (or in no one rule)
 * @param follows whether it most likely follows from an earlier diagnostic (a type unknown because
 *                the DRL file declaring it does not parse) and goes away once that one is fixed
 */
public record Diagnostic(Level level, String file, int line, int column, String message, String rule, boolean follows) {
    /** How serious a diagnostic is. */
    public enum Level { ERROR, WARNING }

    public Diagnostic {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(message, "message");
        if (line < 0 || column < 0) {
            throw new IllegalArgumentException("line and column must not be negative");
        }
    }

    /** A diagnostic that names no rule and stands on its own (does not follow from another). */
    public Diagnostic(Level level, String file, int line, int column, String message) {
        this(level, file, line, column, message, null, false);
    }

    /** This diagnostic, marked as following from an earlier one. */
    public Diagnostic followingAnother() {
        return new Diagnostic(level, file, line, column, message, rule, true);
    }

    public static Diagnostic error(String file, int line, int column, String message) {
        return new Diagnostic(Level.ERROR, file, line, column, message);
    }

    public static Diagnostic warning(String file, int line, String message) {
        return new Diagnostic(Level.WARNING, file, line, 0, message);
    }

    /** This diagnostic as a warning: what Drools reports but still builds. */
    public Diagnostic asWarning() {
        return new Diagnostic(Level.WARNING, file, line, column, message, rule, follows);
    }

    @Override
    public String toString() {
        var where = file == null ? "" : file + (line > 0 ? ":" + line + (column > 0 ? ":" + column : "") : "") + ": ";
        return where + level.name().toLowerCase(Locale.ROOT) + ": " + message;
    }
}
