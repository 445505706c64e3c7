package dev.vigil.dsl;

import dev.vigil.dsl.RuleSpec.Pattern;
import dev.vigil.dsl.RuleSpec.Step;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The names a rule's message and attributes may use: {@code {rule}}, {@code {key}}, the key
 * fields, the pattern's figures ({@code {count}}, {@code {sum}}, ...), the fields of the last
 * event matched, and {@code {step.field}} for any step.
 */
final class Placeholders {
    private Placeholders() {
    }

    static List<String> names(Pattern pattern) {
        var names = new LinkedHashSet<String>();
        names.add("rule");
        names.add("key");
        names.addAll(pattern.per());
        names.addAll(pattern.figures());
        var steps = pattern.steps();
        names.addAll(steps.get(steps.size() - 1).type().fields().keySet());
        for (var step : steps) {
            for (var field : step.type().fields().keySet()) {
                names.add(step.name() + "." + field);
            }
        }
        return new ArrayList<>(names);
    }

    /** What a placeholder refers to: a figure, a key field, or a field of a step. */
    record Target(String figure, int keyIndex, Step step, String field) {
    }

    /** The meaning of {@code name}, which {@link #names} accepted. Figures come before fields of the same name. */
    static Target resolve(String name, Pattern pattern) {
        if (name.equals("rule") || name.equals("key")) {
            return new Target(name, -1, null, null);
        }
        int dot = name.indexOf('.');
        if (dot > 0) {
            var stepName = name.substring(0, dot);
            for (var step : pattern.steps()) {
                if (step.name().equals(stepName)) {
                    return new Target(null, -1, step, name.substring(dot + 1));
                }
            }
        }
        if (pattern.figures().contains(name)) {
            return new Target(name, -1, null, null);
        }
        int key = pattern.per().indexOf(name);
        if (key >= 0) {
            return new Target(null, key, null, null);
        }
        var last = pattern.steps().get(pattern.steps().size() - 1);
        return new Target(null, -1, last, name);
    }
}
