package dev.vigil.engine.api;

/**
 * Two rule sets replayed over the same events.
 *
 * @param baseline  the rules as they are
 * @param candidate the rules as they would be
 * @param diff      what the candidate changes
 */
public record Comparison(ReplayResult baseline, ReplayResult candidate, AlertDiff diff) {
}
