package dev.vigil.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.engine.Engine;
import dev.vigil.engine.clock.ClockMode;
import dev.vigil.engine.event.Event;
import dev.vigil.engine.event.EventType;
import dev.vigil.engine.event.InvalidEventsException;
import dev.vigil.engine.session.LiveRuleSet;
import dev.vigil.engine.session.QueueFullException;
import dev.vigil.engine.session.RuleSetStatus;
import dev.vigil.server.store.JournalStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds each rule set's window state at start: its journaled events from its retention horizon
 * (the longest any of its event types is kept) up to the newest go through its fresh session
 * before live events do, so windows that spanned a stop or a crash still fire.
 *
 * <p>The alerts this raises again have the ids they had (an id derives from the rule, key and
 * events), so those already stored are neither stored nor delivered again; those raised before a
 * crash but not yet stored are stored and delivered now. Those alerts were raised at their own
 * pace before, so they do not count against the per-second alert budget. A rule set that had
 * failed gets nothing: what made it fail is in its journal.
 */
final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);
    private static final int CHUNK = 1_000;

    private Recovery() {
    }

    /** Replays the journal into every deployed rule set; {@code journalRetention} is the horizon of types kept without bound. */
    static void run(Engine engine, JournalStore journal, Duration journalRetention, ObjectMapper json) {
        for (var live : engine.ruleSets()) {
            try {
                recover(live, journal, journalRetention, json);
            } catch (RuntimeException e) {
                LOG.error("rule set '{}': rebuilding its windows from the journal failed: {}", live.name(), e.getMessage(), e);
            }
        }
    }

    private static void recover(LiveRuleSet live, JournalStore journal, Duration journalRetention, ObjectMapper json) {
        if (live.status().state() != RuleSetStatus.State.RUNNING) {
            // It failed before the stop: the journal holds what made it fail, and must not make it fail again.
            LOG.info("rule set '{}' is {}: its journal is not replayed until another version is deployed", live.name(),
                    live.status().state().name().toLowerCase(Locale.ROOT));
            return;
        }
        if (live.running().source().settings().clockMode() != ClockMode.EVENT_TIME) {
            // A realtime session takes events at their arrival: old ones would land at the wrong time.
            LOG.info("rule set '{}' runs on the realtime clock: its windows start empty", live.name());
            return;
        }
        var latest = journal.latestEventTime(live.name());
        if (latest.isEmpty()) {
            return;
        }
        var horizon = live.running().eventTypes().stream().map(EventType::retention)
                .map(r -> r == null ? journalRetention : r).max(Duration::compareTo).orElse(journalRetention);
        long from = latest.getAsLong() - horizon.toMillis();
        long started = System.nanoTime();
        long replayed = 0;
        long invalid = 0;
        var decoder = live.decoder();
        try (var events = JournalEvents.within(journal.range(live.name(), Instant.ofEpochMilli(from), Instant.ofEpochMilli(latest.getAsLong() + 1)),
                from, latest.getAsLong() + 1, json)) {
            var chunk = new ArrayList<Event>(CHUNK);
            int index = 0;
            while (events.hasNext()) {
                try {
                    chunk.add(decoder.decode(events.next(), index++));
                } catch (InvalidEventsException e) {
                    // Accepted by an earlier version whose types differed: it cannot go to this one.
                    invalid++;
                }
                if (chunk.size() == Math.min(CHUNK, live.capacity())) {
                    submit(live, chunk);
                    replayed += chunk.size();
                    chunk = new ArrayList<>(CHUNK);
                }
            }
            submit(live, chunk);
            replayed += chunk.size();
        }
        live.flush().join();
        LOG.info("rule set '{}': {} journaled events since {} replayed in {} ms to rebuild its windows{}", live.name(), replayed,
                Instant.ofEpochMilli(from), (System.nanoTime() - started) / 1_000_000,
                invalid == 0 ? "" : "; " + invalid + " no longer fit its event types and were left out");
    }

    private static void submit(LiveRuleSet live, List<Event> events) {
        while (!events.isEmpty()) {
            try {
                live.submitJournaled(events);
                return;
            } catch (QueueFullException e) {
                live.flush().join();
            }
        }
    }
}
