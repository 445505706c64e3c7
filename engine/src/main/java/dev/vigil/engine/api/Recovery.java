package dev.vigil.engine.api;

import java.time.Instant;

/**
 * What rebuilding a rule set's windows from its journal did.
 *
 * @param ruleSet  its name
 * @param outcome  whether the journal was read, or why not
 * @param from     the earliest event time read again, or null when none was
 * @param replayed events read again into its session
 * @param invalid  kept events that no longer fit its event types, left out
 * @param outside  kept events with times it no longer takes, left out
 * @param earliest the earliest event time it takes now, or null when the journal was not read
 * @param latest   the latest event time it takes now, or null when the journal was not read
 */
public record Recovery(String ruleSet, Outcome outcome, Instant from, long replayed, long invalid, long outside,
                       Instant earliest, Instant latest) {
    /** Whether the journal was read. */
    public enum Outcome {
        /** Its windows were rebuilt from the journal (maybe from nothing). */
        REPLAYED,
        /** It failed before the stop: what made it fail is not run again until another version is deployed. */
        SKIPPED_FAILED,
        /** It runs on the realtime clock: old events would land at the wrong time, so its windows start empty. */
        SKIPPED_REALTIME
    }
}
