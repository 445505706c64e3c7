package dev.vigil.engine.api;

import java.util.Iterator;
import java.util.OptionalLong;

/** The events a rule set took before a stop, as kept by an {@link Admission.Journal}, read back to rebuild its windows. */
public interface JournalReader {
    /** How many of the rule set's events have times outside {@code earliest} to {@code latest} (epoch ms, inclusive). */
    long countOutside(String ruleSet, long earliest, long latest);

    /** The latest event time of the rule set's events within {@code earliest} to {@code latest}, if any. */
    OptionalLong latestEventTime(String ruleSet, long earliest, long latest);

    /** The rule set's events, as kept, with times from {@code from} to {@code latest} (epoch ms, inclusive), in time order. */
    Lines range(String ruleSet, long from, long latest);

    /** Kept events, one JSON text each; close it when done. */
    interface Lines extends Iterator<String>, AutoCloseable {
        @Override
        void close();
    }
}
