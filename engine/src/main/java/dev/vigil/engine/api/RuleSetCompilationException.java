package dev.vigil.engine.api;

import java.util.List;
import java.util.stream.Collectors;

/** A rule set that does not compile, or may not replace the running version, with every reason. */
public final class RuleSetCompilationException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<Diagnostic> diagnostics;

    public RuleSetCompilationException(String ruleSet, List<Diagnostic> diagnostics) {
        super("rule set '" + ruleSet + "' was not deployed:\n"
                + diagnostics.stream().map(Diagnostic::toString).collect(Collectors.joining("\n")));
        this.diagnostics = List.copyOf(diagnostics);
    }

    /** Every problem found, errors and warnings, in file and line order. */
    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }
}
