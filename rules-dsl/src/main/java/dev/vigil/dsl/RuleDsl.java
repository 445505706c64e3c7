package dev.vigil.dsl;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Vigil's rule language: {@code *.rule.yaml} files, each holding one rule per YAML document,
 * compiled to DRL text. The entry point of the module.
 *
 * <pre>{@code
 * var generated = RuleDsl.compile("velocity.rule.yaml", yaml, eventTypes);
 * if (generated.ok()) { ... generated.drl() ... } else { ... generated.diagnostics() ... }
 * }</pre>
 *
 * <p>It knows nothing of Drools: the rule set's event types come in as plain data, and DRL text
 * comes out, with every line traced back to the line of the rule file that produced it.
 */
public final class RuleDsl {
    /** How a rule file's name ends. */
    public static final String SUFFIX = ".rule.yaml";

    private RuleDsl() {
    }

    /** Whether {@code path} names a rule file of this language. */
    public static boolean isRuleFile(String path) {
        return path.endsWith(SUFFIX);
    }

    /** The patterns the language has. */
    public static List<String> patterns() {
        return RuleReader.PATTERNS;
    }

    /**
     * Compiles the rule file {@code text} (named {@code file} in diagnostics) against the rule set's
     * event types: DRL, or every problem found.
     */
    public static Generated compile(String file, String text, Collection<EventTypeInfo> eventTypes) {
        return compile(file, text, eventTypes, new HashSet<>());
    }

    /**
     * Compiles the rule files of one rule set ({@code files}, path to text) against its event types,
     * each as {@link #compile(String, String, Collection)} does, in the order given, except that
     * the helper rules of a profile that rules of several files read are written once, in the
     * first file that compiles and reads it.
     */
    public static Map<String, Generated> compile(Map<String, String> files, Collection<EventTypeInfo> eventTypes) {
        var profilesWritten = new HashSet<String>();
        var generated = new LinkedHashMap<String, Generated>();
        files.forEach((file, text) -> generated.put(file, compile(file, text, eventTypes, profilesWritten)));
        return generated;
    }

    private static Generated compile(String file, String text, Collection<EventTypeInfo> eventTypes, Set<String> profilesWritten) {
        var byName = new LinkedHashMap<String, EventTypeInfo>();
        for (var type : eventTypes) {
            byName.putIfAbsent(type.name(), type);
            byName.putIfAbsent(type.qualifiedName(), type);
        }
        var read = RuleReader.read(file, text, Map.copyOf(byName));
        if (!read.problems().isEmpty()) {
            var sorted = read.problems().stream()
                    .sorted(Comparator.comparingInt(DslDiagnostic::line).thenComparingInt(DslDiagnostic::column))
                    .toList();
            return Generated.failed(file, sorted);
        }
        return DrlWriter.write(file, read.rules(), profilesWritten);
    }
}
