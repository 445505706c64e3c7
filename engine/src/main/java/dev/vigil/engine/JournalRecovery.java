package dev.vigil.engine;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.engine.api.ClockMode;
import dev.vigil.engine.api.Event;
import dev.vigil.engine.api.InvalidEventsException;
import dev.vigil.engine.api.JournalReader;
import dev.vigil.engine.api.QueueFullException;
import dev.vigil.engine.api.Recovery;
import dev.vigil.engine.api.RuleSetStatus;
import dev.vigil.engine.event.EventDecoder;
import dev.vigil.engine.session.LiveRuleSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Rebuilds a rule set's window state from its journal: its kept events from its retention horizon
 * (the longest any of its event types is kept) up to the newest go through its session before live
 * events do, so windows that spanned a stop or a crash still fire.
 *
 * <p>The alerts this raises again have the ids they had (an id derives from the rule, key and
 * events), so a consumer that stored them can tell them apart. Those alerts were raised at their
 * own pace before, so they do not count against the per-second alert budget. A rule set that had
 * failed gets nothing: what made it fail is in its journal.
 *
 * <p>Kept events whose times the rule set does not take (older versions took any time, such as one
 * 292 million years ahead) are left out and counted: the newest event time, and so the horizon, is
 * that of the events it takes.
 */
final class JournalRecovery {
    private static final int CHUNK = 1_000;
    /**
     * Reads kept events as the server reads posted ones: decimals are not squeezed through a double,
     * so a BigDecimal field rebuilt from the journal has every digit it had when it was posted.
     */
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private JournalRecovery() {
    }

    /**
     * Reads {@code journal} back into {@code live}.
     *
     * @param unbounded the horizon of event types kept without bound
     * @param now       what the rule set's event time bounds are measured against, epoch ms
     */
    static Recovery run(LiveRuleSet live, JournalReader journal, Duration unbounded, long now) {
        if (live.status().state() != RuleSetStatus.State.RUNNING) {
            return new Recovery(live.name(), Recovery.Outcome.SKIPPED_FAILED, null, 0, 0, 0, null, null);
        }
        if (live.running().source().settings().clockMode() != ClockMode.EVENT_TIME) {
            return new Recovery(live.name(), Recovery.Outcome.SKIPPED_REALTIME, null, 0, 0, 0, null, null);
        }
        var bounds = live.eventTimes();
        long earliest = bounds.earliest().toEpochMilli();
        long ceiling = bounds.latest(now);
        long outside = journal.countOutside(live.name(), earliest, ceiling);
        var latest = journal.latestEventTime(live.name(), earliest, ceiling);
        if (latest.isEmpty()) {
            return new Recovery(live.name(), Recovery.Outcome.REPLAYED, null, 0, 0, outside,
                    Instant.ofEpochMilli(earliest), Instant.ofEpochMilli(ceiling));
        }
        var history = live.running().history();
        var horizon = history == null ? unbounded : history;
        long from = Math.max(earliest, latest.getAsLong() - horizon.toMillis());
        long replayed = 0;
        long invalid = 0;
        var decoder = live.decoder();
        try (var events = journal.range(live.name(), from, ceiling)) {
            var chunk = new ArrayList<Event>(CHUNK);
            int index = 0;
            while (events.hasNext()) {
                var event = parse(events.next());
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
        return new Recovery(live.name(), Recovery.Outcome.REPLAYED, Instant.ofEpochMilli(from), replayed, invalid, outside,
                Instant.ofEpochMilli(earliest), Instant.ofEpochMilli(ceiling));
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
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
