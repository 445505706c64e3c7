package dev.vigil.engine.api;

import java.util.List;

/**
 * The outcome of deploying a rule set.
 *
 * @param ruleSet      its name
 * @param version      the version now running
 * @param rules        its rules
 * @param eventTypes   the event types it accepts
 * @param warnings     what compiled but deserves a look
 * @param carriedFacts facts of changed declared types carried into the new version (0 for a first deploy)
 */
public record Deployment(
        String ruleSet, int version, List<RuleInfo> rules, List<EventType> eventTypes, List<Diagnostic> warnings,
        int carriedFacts) {
    public Deployment {
        rules = List.copyOf(rules);
        eventTypes = List.copyOf(eventTypes);
        warnings = List.copyOf(warnings);
    }
}
