package dev.vigil.engine.api;

import java.util.List;

/**
 * The alerts a replay raised, in the order the rules raised them, with its statistics.
 *
 * @param alerts     the alerts
 * @param stats      counts and speed
 * @param errors     the first invalid events (at most {@link Replay#MAX_REPORTED_ERRORS}), by input index
 * @param ruleErrors the first consequences that threw (at most {@link Replay#MAX_REPORTED_ERRORS})
 */
public record ReplayResult(List<Alert> alerts, ReplayStats stats, List<EventError> errors, List<RuleError> ruleErrors) {
    public ReplayResult {
        alerts = List.copyOf(alerts);
        errors = List.copyOf(errors);
        ruleErrors = List.copyOf(ruleErrors);
    }
}
