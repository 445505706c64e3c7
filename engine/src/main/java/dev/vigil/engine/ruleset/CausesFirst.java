package dev.vigil.engine.ruleset;

import dev.vigil.engine.api.Diagnostic;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.drools.drl.parser.DrlParser;
import org.drools.drl.parser.DroolsParserException;

/**
 * The errors of a rule set that does not compile, causes first. A DRL file that does not parse
 * declares nothing, so every other file that uses its types gets an "unknown event type" (rule
 * language) or "Unable to resolve ObjectType" (DRL) error that goes away with the parse error:
 * those are marked as following from it and listed after every other error, and the broken
 * files' own errors come first. A type follows from a broken file only when that file's text
 * declares it ({@code declare Payment}): a type declared nowhere is an error of its own.
 */
final class CausesFirst {
    private static final Pattern UNKNOWN_TYPE = Pattern.compile("^(?:unknown event type|Unable to resolve ObjectType) '([\\w.$]+)'");
    private static final Comparator<Diagnostic> BY_POSITION = Comparator.comparing((Diagnostic d) -> d.file() == null ? "" : d.file())
            .thenComparingInt(Diagnostic::line).thenComparingInt(Diagnostic::column);

    private CausesFirst() {
    }

    /**
     * {@code errors} ordered by file and position; when some follow from a DRL file of {@code files}
     * that does not parse, that file's errors first and those that follow from it last.
     */
    static List<Diagnostic> order(List<Diagnostic> errors, Map<String, String> files) {
        var broken = unparsable(files);
        var marked = errors.stream().map(d -> followsFromUnknownType(d, broken, files) ? d.followingAnother() : d).toList();
        if (marked.stream().noneMatch(Diagnostic::follows)) {
            return marked.stream().sorted(BY_POSITION).toList();
        }
        return marked.stream().sorted(Comparator.comparingInt((Diagnostic d) -> rank(d, broken)).thenComparing(BY_POSITION)).toList();
    }

    private static int rank(Diagnostic d, Set<String> broken) {
        if (d.follows()) {
            return 2;
        }
        return broken.contains(d.file()) ? 0 : 1;
    }

    private static boolean followsFromUnknownType(Diagnostic d, Set<String> broken, Map<String, String> files) {
        var m = UNKNOWN_TYPE.matcher(d.message());
        if (d.file() == null || broken.contains(d.file()) || !m.find()) {
            return false;
        }
        var name = m.group(1).substring(m.group(1).lastIndexOf('.') + 1);
        var declaration = Pattern.compile("\\bdeclare\\s+([\\w.]+\\.)?" + Pattern.quote(name) + "\\b");
        return broken.stream().anyMatch(file -> declaration.matcher(files.get(file)).find());
    }

    /** The DRL files that Drools' parser does not read whole. */
    private static Set<String> unparsable(Map<String, String> files) {
        return files.entrySet().stream()
                .filter(e -> e.getKey().endsWith(".drl") && !parses(e.getValue()))
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }

    private static boolean parses(String text) {
        try {
            var parser = new DrlParser();
            return parser.parse(false, text) != null && !parser.hasErrors();
        } catch (DroolsParserException | RuntimeException e) {
            return false;
        }
    }
}
