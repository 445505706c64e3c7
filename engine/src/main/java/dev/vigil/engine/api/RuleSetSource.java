package dev.vigil.engine.api;

import dev.vigil.dsl.RuleDsl;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A rule set as its author wrote it: a name, its files (path -> text) and its settings.
 *
 * <p>File paths are relative, use {@code /}, and end in {@code .drl} (DRL) or {@code .rule.yaml}
 * (Vigil's rule language, compiled to DRL). Types declared in one DRL file are visible in the
 * others and in the rule language's files.
 */
public record RuleSetSource(String name, Map<String, String> files, RuleSetSettings settings) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern PATH = Pattern.compile("([A-Za-z0-9_][A-Za-z0-9_.-]*/)*[A-Za-z0-9_][A-Za-z0-9_.-]*(\\.drl|\\.rule\\.yaml)");

    public RuleSetSource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(files, "files");
        Objects.requireNonNull(settings, "settings");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("rule set name '" + name
                    + "' must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("rule set '" + name + "' has no files");
        }
        for (var path : files.keySet()) {
            if (!PATH.matcher(path).matches() || path.contains("..")) {
                throw new IllegalArgumentException("file '" + path + "' of rule set '" + name
                        + "': a path must be relative, use '/', end in .drl or .rule.yaml, and no name in it may start with '.' or '-'");
            }
            Objects.requireNonNull(files.get(path), () -> "file '" + path + "' has no text");
        }
        files = Map.copyOf(new TreeMap<>(files));
    }

    /** Whether {@code path} names a file of rules: DRL ({@code .drl}) or the rule language ({@code .rule.yaml}). */
    public static boolean isRuleFile(String path) {
        return path.endsWith(".drl") || RuleDsl.isRuleFile(path);
    }

    /** A rule set with the default settings. */
    public static RuleSetSource of(String name, Map<String, String> files) {
        return new RuleSetSource(name, files, RuleSetSettings.DEFAULTS);
    }

    public RuleSetSource withName(String value) {
        return new RuleSetSource(value, files, settings);
    }

    public RuleSetSource withSettings(RuleSetSettings value) {
        return new RuleSetSource(name, files, value);
    }
}
