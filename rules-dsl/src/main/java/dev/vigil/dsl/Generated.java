package dev.vigil.dsl;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a rule file compiles to: DRL text, or the diagnostics that stopped it.
 *
 * @param file        the rule file
 * @param drl         the generated DRL, null when there are diagnostics
 * @param rules       the names of the rules, in the file's order
 * @param keys        what each rule groups its events by, in the file's order; empty when there are diagnostics
 * @param diagnostics every error found, in the file's order; empty when {@code drl} is set
 * @param sourceLines   for each line of the DRL (index 0 is line 1), the line of the rule file it comes from
 * @param sourceColumns for each line of the DRL, the column of the rule file it comes from, 0 for the whole line
 */
public record Generated(String file, String drl, List<String> rules, List<RuleKey> keys, List<DslDiagnostic> diagnostics,
                        int[] sourceLines, int[] sourceColumns) {
    public Generated {
        Objects.requireNonNull(file, "file");
        rules = List.copyOf(rules);
        keys = List.copyOf(keys);
        diagnostics = List.copyOf(diagnostics);
        sourceLines = sourceLines.clone();
        sourceColumns = sourceColumns.clone();
        if (sourceColumns.length != sourceLines.length) {
            throw new IllegalArgumentException("a source column for each source line: " + sourceColumns.length + " for " + sourceLines.length);
        }
    }

    /** What a rule file with {@code diagnostics} compiles to: no DRL. */
    public static Generated failed(String file, List<DslDiagnostic> diagnostics) {
        return new Generated(file, null, List.of(), List.of(), diagnostics, new int[0], new int[0]);
    }

    public boolean ok() {
        return diagnostics.isEmpty();
    }

    /** The line of the rule file that produced {@code drlLine} (1-based), or 0 when it is unknown. */
    public int sourceLine(int drlLine) {
        return drlLine >= 1 && drlLine <= sourceLines.length ? sourceLines[drlLine - 1] : 0;
    }

    /** The column of the rule file that produced {@code drlLine} (1-based), or 0 when it is the whole line or unknown. */
    public int sourceColumn(int drlLine) {
        return drlLine >= 1 && drlLine <= sourceColumns.length ? sourceColumns[drlLine - 1] : 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Generated g && file.equals(g.file) && Objects.equals(drl, g.drl) && rules.equals(g.rules)
                && keys.equals(g.keys) && diagnostics.equals(g.diagnostics) && Arrays.equals(sourceLines, g.sourceLines)
                && Arrays.equals(sourceColumns, g.sourceColumns);
    }

    @Override
    public int hashCode() {
        return Objects.hash(file, drl, rules, keys, diagnostics, Arrays.hashCode(sourceLines), Arrays.hashCode(sourceColumns));
    }

    @Override
    public String toString() {
        return ok() ? "Generated[" + file + ", " + rules + "]" : "Generated[" + file + ", " + diagnostics + "]";
    }
}
