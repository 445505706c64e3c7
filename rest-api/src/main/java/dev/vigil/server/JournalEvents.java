package dev.vigil.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.engine.replay.EventInput;
import dev.vigil.server.store.JournalStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.NoSuchElementException;

/** Journaled events as replay input: those of a range of event time, parsed as they are read. */
final class JournalEvents {
    private JournalEvents() {
    }

    /**
     * The journaled events inside {@code [from, to)} of event time. The journal gives whole batches;
     * events outside the range are dropped here by their {@code time} (ISO-8601 or epoch ms, as
     * accepted); an event without one (journaled before arrival times were written into events) is kept with its batch.
     */
    static EventInput within(JournalStore.Range range, long from, long to, ObjectMapper json) {
        return new EventInput() {
            private JsonNode next;

            @Override
            public boolean hasNext() {
                while (next == null && range.hasNext()) {
                    JsonNode event;
                    try {
                        event = json.readTree(range.next());
                    } catch (IOException e) {
                        throw new UncheckedIOException("a journaled event is not JSON", e);
                    }
                    var time = event.get("time");
                    long millis;
                    if (time == null || time.isNull()) {
                        next = event;
                        break;
                    } else if (time.isNumber()) {
                        millis = time.asLong();
                    } else {
                        try {
                            millis = Instant.parse(time.asText()).toEpochMilli();
                        } catch (DateTimeParseException e) {
                            next = event;
                            break;
                        }
                    }
                    if (millis >= from && millis < to) {
                        next = event;
                    }
                }
                return next != null;
            }

            @Override
            public JsonNode next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                var out = next;
                next = null;
                return out;
            }

            @Override
            public void close() {
                range.close();
            }
        };
    }
}
