package dev.vigil.engine.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A deployed rule set as it stands: what runs, in which state, with which counters and limits.
 *
 * @param name          its name
 * @param status        running, or failed with the reason
 * @param stats         counters as of the last batch its worker finished
 * @param source        the files and settings of the running version
 * @param rules         the running version's rules
 * @param eventTypes    the event types it accepts
 * @param generated     the DRL its rule-language files became, by file
 * @param alertBudget   the alert budget its session counts against
 * @param eventTimes    the event times it takes
 * @param queueCapacity the most events its queue holds
 * @param queueRoom     room in its queue now, in events: a hint, since other submitters take room too
 * @param partitioning  the key and partition count it runs by, as resolved at deploy (from its
 *                      settings, or its rule-language rules' {@code per})
 * @param history       how far back in event time what its rules know reaches (its events' retention,
 *                      its profiles' spans): what a restart or a takeover reads back; null when unbounded
 * @param warnings      what the running version compiled with but deserves a look
 */
public record RuleSetInfo(String name, RuleSetStatus status, RuleSetStats stats, RuleSetSource source, List<RuleInfo> rules,
                          List<EventType> eventTypes, Map<String, String> generated, AlertBudget alertBudget,
                          EventTimeBounds eventTimes, int queueCapacity, int queueRoom, Partitioning partitioning,
                          Duration history, List<Diagnostic> warnings) {
    public RuleSetInfo {
        rules = List.copyOf(rules);
        warnings = List.copyOf(warnings);
        eventTypes = List.copyOf(eventTypes);
        generated = Map.copyOf(generated);
    }

    /** The running version. */
    public int version() {
        return stats.version();
    }

    /** Whether it takes events now. */
    public boolean running() {
        return status.state() == RuleSetStatus.State.RUNNING;
    }
}
