package dev.vigil.engine.ruleset;

import dev.vigil.engine.api.Diagnostic;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Whether a new version of a rule set may replace the running one without losing its state. */
public final class Compatibility {
    private Compatibility() {
    }

    /**
     * The reasons {@code next} cannot replace {@code running} in place, empty when it can.
     *
     * <p>Added and removed fields are fine: live events are carried into the new type. A field
     * whose type changes is not, because the values already in working memory would not fit it;
     * nor is a change of clock mode, which the running session cannot make.
     */
    public static List<Diagnostic> check(CompiledRuleSet running, CompiledRuleSet next) {
        var problems = new ArrayList<Diagnostic>();
        var before = running.source().settings().clockMode();
        var after = next.source().settings().clockMode();
        if (before != after) {
            problems.add(Diagnostic.error(null, 0, 0, "the clock mode changes from " + before + " to " + after
                    + ": a running session cannot change its clock; undeploy the rule set and deploy it again"));
        }
        next.declaredFields().forEach((type, fields) -> {
            var old = running.declaredFields().get(type);
            if (old == null) {
                return;
            }
            fields.forEach((field, javaType) -> {
                var oldType = old.get(field);
                if (oldType != null && !Objects.equals(oldType, javaType)) {
                    problems.add(Diagnostic.error(null, 0, 0, "declared type " + type + ": field '" + field
                            + "' changes type from " + oldType + " to " + javaType
                            + "; the instances in working memory cannot be carried over. Add a field with a new name"
                            + " instead, or undeploy the rule set and deploy it again (its windows start empty)"));
                }
            });
        });
        return problems;
    }
}
