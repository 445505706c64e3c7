package dev.vigil.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.engine.Engine;
import dev.vigil.engine.api.ClockMode;
import dev.vigil.engine.api.Event;
import dev.vigil.engine.api.EventType;
import dev.vigil.engine.api.InvalidEventsException;
import dev.vigil.engine.api.QueueFullException;
import dev.vigil.engine.api.RuleSetStatus;
import dev.vigil.engine.event.EventDecoder;
import dev.vigil.engine.session.LiveRuleSet;
import dev.vigil.server.store.JournalStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
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
 *
 * <p>Journaled events whose times the rule set does not take (older versions took any time, such
 * as one 292 million years ahead) are left out and counted: the newest event time, and so the
 * horizon, is that of the events it takes.
 */
final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);
    private static final int CHUNK = 1_000;

    private Recovery() {
    }

    /**
     * Replays the journal into every deployed rule set; {@code journalRetention} is the horizon of
     * types kept without bound, {@code clock} what the rule sets' event time bounds are measured against.
     */
    static void run(Engine engine, JournalStore journal, Duration journalRetention, InstantSource clock, ObjectMapper json) {
        for (var live : engine.ruleSets()) {
            try {
                recover(live, journal, journalRetention, clock.millis(), json);
            } catch (RuntimeException e) {
                LOG.error("rule set '{}': rebuilding its windows from the journal failed: {}", live.name(), e.getMessage(), e);
            }
        }
    }

    private static void recover(LiveRuleSet live, JournalStore journal, Duration journalRetention, long now, ObjectMapper json) {
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
        var bounds = live.eventTimes();
        long earliest = bounds.earliest().toEpochMilli();
        long ceiling = bounds.latest(now);
        long outside = journal.countOutside(live.name(), earliest, ceiling);
        var latest = journal.latestEventTime(live.name(), earliest, ceiling);
        if (latest.isEmpty()) {
            logOutside(live, outside, earliest, ceiling);
            return;
        }
        var horizon = live.running().eventTypes().stream().map(EventType::retention)
                .map(r -> r == null ? journalRetention : r).max(Duration::compareTo).orElse(journalRetention);
        long from = Math.max(earliest, latest.getAsLong() - horizon.toMillis());
        long started = System.nanoTime();
        long replayed = 0;
        long invalid = 0;
        var decoder = live.decoder();
        try (var events = journal.range(live.name(), Instant.ofEpochMilli(from), Instant.ofEpochMilli(ceiling + 1))) {
            var chunk = new ArrayList<Event>(CHUNK);
            int index = 0;
            while (events.hasNext()) {
                var event = parse(events.next(), json);
                var time = EventDecoder.timeOf(event);
                // A time the rule set does not take, or a "time" that is no time it can read (past the milliseconds of a long).
                if (time.isPresent() ? !bounds.admits(time.getAsLong(), now) : event.hasNonNull("time")) {
                    outside++;
                    continue;
                }
                if (time.isPresent() && time.getAsLong() < from) {
                    // In a batch that reaches into the horizon, but itself older.
                    continue;
                }
                try {
                    chunk.add(decoder.decode(event, index++));
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
        logOutside(live, outside, earliest, ceiling);
    }

    private static void logOutside(LiveRuleSet live, long outside, long earliest, long ceiling) {
        if (outside > 0) {
            LOG.warn("rule set '{}': {} journaled events have times outside {} to {}, which it takes, and were left out",
                    live.name(), outside, Instant.ofEpochMilli(earliest), Instant.ofEpochMilli(ceiling));
        }
    }

    private static JsonNode parse(String line, ObjectMapper json) {
        try {
            return json.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException("a journaled event is not JSON", e);
        }
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
