package dev.vigil.engine.ruleset;

import dev.vigil.dsl.RuleDsl;
import dev.vigil.engine.api.Diagnostic;
import dev.vigil.engine.api.RuleSetCompilationException;
import dev.vigil.engine.api.RuleSetSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The deepest nesting of brackets a rule set's DRL may have: checked on the text, before Drools
 * parses it.
 *
 * <p>Drools' parser descends once for every bracket and has no limit of its own: a file of 20,000
 * nested {@code (} overflowed the stack of the thread that deployed it. With a 1 MB stack its
 * parser gave out at about 250 levels in a condition and 150 in a consequence's Java, so the limit
 * is {@value #MAX_DEPTH}, ten times what a rule needs. Round, square and curly brackets count
 * alike; comments, strings and character literals are skipped. Rule-language files bound their own
 * conditions. What this text check cannot see (20,000 minus signs in a row, a chain of 20,000
 * {@code &&}) can still overflow Drools: {@link #compile} reports that as a diagnostic too.
 */
final class NestingLimit {
    /** The deepest nesting of brackets a DRL file may have. */
    static final int MAX_DEPTH = 100;

    private NestingLimit() {
    }

    /**
     * {@code build} applied to {@code source} once its DRL is known to nest within the limit; a
     * {@link RuleSetCompilationException} naming each file that nests too deeply, or saying that
     * Drools ran out of stack, instead of a {@link StackOverflowError}.
     */
    static CompiledRuleSet compile(RuleSetSource source, Function<RuleSetSource, CompiledRuleSet> build) {
        check(source);
        try {
            return build.apply(source);
        } catch (StackOverflowError e) {
            throw new RuleSetCompilationException(source.name(), List.of(Diagnostic.error(null, 0, 0,
                    "the rules nest too deeply for Drools to build (it ran out of stack): write long or deeply nested conditions and"
                            + " expressions flatter, or split them")));
        }
    }

    /** Throws {@link RuleSetCompilationException} naming each DRL file of {@code source} that nests too deeply. */
    private static void check(RuleSetSource source) {
        var diagnostics = new ArrayList<Diagnostic>();
        source.files().forEach((path, text) -> {
            if (!RuleDsl.isRuleFile(path)) {
                diagnostics.addAll(check(path, text));
            }
        });
        if (!diagnostics.isEmpty()) {
            throw new RuleSetCompilationException(source.name(), diagnostics);
        }
    }

    /** The diagnostic for {@code text} (file {@code path}) when its brackets nest deeper than {@link #MAX_DEPTH}, at the first bracket too deep. */
    private static List<Diagnostic> check(String path, String text) {
        int depth = 0;
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
                lineStart = i + 1;
            } else if (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '/') {
                i = endOfLine(text, i) - 1;
            } else if (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '*') {
                int end = text.indexOf("*/", i + 2);
                end = end < 0 ? text.length() : end + 2;
                for (int j = i; j < end; j++) {
                    if (text.charAt(j) == '\n') {
                        line++;
                        lineStart = j + 1;
                    }
                }
                i = end - 1;
            } else if (c == '"' || c == '\'') {
                i = endOfQuoted(text, i, c) - 1;
            } else if (c == '(' || c == '[' || c == '{') {
                if (++depth > MAX_DEPTH) {
                    return List.of(Diagnostic.error(path, line, i - lineStart + 1, "brackets nest more than " + MAX_DEPTH
                            + " deep here, more than Drools' parser is given: write the condition or expression flatter"));
                }
            } else if (c == ')' || c == ']' || c == '}') {
                depth = Math.max(0, depth - 1);
            }
        }
        return List.of();
    }

    /** The index of the line break ending the line at {@code from}, or the end of the text. */
    private static int endOfLine(String text, int from) {
        int end = text.indexOf('\n', from);
        return end < 0 ? text.length() : end;
    }

    /** The index just past the quoted text opening at {@code from}: its closing quote, or the end of its line. */
    private static int endOfQuoted(String text, int from, char quote) {
        for (int i = from + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) != '\n') {
                i++;
            } else if (c == quote) {
                return i + 1;
            } else if (c == '\n') {
                return i;
            }
        }
        return text.length();
    }
}
