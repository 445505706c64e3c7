package dev.vigil.server.ingest;

import dev.vigil.engine.Engine;
import dev.vigil.engine.api.Recovery;
import dev.vigil.server.store.JournalStore;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds each rule set's window state at start from the journal (see {@link Engine#recover}),
 * before live events arrive, and logs what it did.
 *
 * <p>The alerts this raises again have the ids they had, so those already stored are neither
 * stored nor delivered again; those raised before a crash but not yet stored are stored and
 * delivered now.
 */
public final class JournalReplay {
    private static final Logger LOG = LoggerFactory.getLogger(JournalReplay.class);

    private JournalReplay() {
    }

    /** Replays the journal into every deployed rule set; {@code journalRetention} is the horizon of types kept without bound. */
    public static void run(Engine engine, JournalStore journal, Duration journalRetention) {
        for (var ruleSet : engine.ruleSets()) {
            long started = System.nanoTime();
            try {
                log(engine.recover(ruleSet.name(), journal, journalRetention), (System.nanoTime() - started) / 1_000_000);
            } catch (RuntimeException e) {
                LOG.error("rule set '{}': rebuilding its windows from the journal failed: {}", ruleSet.name(), e.getMessage(), e);
            }
        }
    }

    private static void log(Recovery recovery, long millis) {
        switch (recovery.outcome()) {
            case SKIPPED_FAILED -> LOG.info("rule set '{}' is failed: its journal is not replayed until another version is deployed",
                    recovery.ruleSet());
            case SKIPPED_REALTIME -> LOG.info("rule set '{}' runs on the realtime clock: its windows start empty", recovery.ruleSet());
            case REPLAYED -> {
                if (recovery.from() != null) {
                    LOG.info("rule set '{}': {} journaled events since {} replayed in {} ms to rebuild its windows{}", recovery.ruleSet(),
                            recovery.replayed(), recovery.from(), millis, recovery.invalid() == 0 ? ""
                                    : "; " + recovery.invalid() + " no longer fit its event types and were left out");
                }
                if (recovery.outside() > 0) {
                    LOG.warn("rule set '{}': {} journaled events have times outside {} to {}, which it takes, and were left out",
                            recovery.ruleSet(), recovery.outside(), recovery.earliest(), recovery.latest());
                }
            }
        }
    }
}
