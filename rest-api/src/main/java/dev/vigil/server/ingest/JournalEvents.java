package dev.vigil.server.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.engine.EventReaders;
import dev.vigil.engine.api.EventInput;
import dev.vigil.server.store.JournalStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.NoSuchElementException;

/** Journaled events as replay input: those of a range of event time, parsed as they are read. */
public final class JournalEvents {
    private JournalEvents() {
    }

    /**
     * The journaled events inside {@code [from, to)} of event time. The journal gives whole batches;
     * events outside the range are dropped here by their {@code time}, read as decoding reads it; an
     * event without one (journaled before arrival times were written into events), or with one that
     * is not a time, is kept with its batch, for decoding to take or to name.
     */
    public static EventInput within(JournalStore.Range range, long from, long to, ObjectMapper json) {
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
                    var time = EventReaders.timeOf(event);
                    if (time.isEmpty() || time.getAsLong() >= from && time.getAsLong() < to) {
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
