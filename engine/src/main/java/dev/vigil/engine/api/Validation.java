package dev.vigil.engine.api;

import java.util.List;
import java.util.Map;

/**
 * What a rule set that compiles holds, found without deploying it.
 *
 * @param ruleSet    its name
 * @param rules      its rules
 * @param eventTypes the event types it declares
 * @param warnings   what compiled but deserves a look
 * @param generated  the DRL its rule-language files became, by file
 */
public record Validation(String ruleSet, List<RuleInfo> rules, List<EventType> eventTypes, List<Diagnostic> warnings,
                         Map<String, String> generated) {
    public Validation {
        rules = List.copyOf(rules);
        eventTypes = List.copyOf(eventTypes);
        warnings = List.copyOf(warnings);
        generated = Map.copyOf(generated);
    }
}
