package dev.vigil.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.engine.api.JournalReader;
import dev.vigil.engine.event.EventDecoder;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalLong;

/** A journal held in a list, for tests that rebuild a rule set's windows: every event belongs to every rule set. */
record ListJournal(List<? extends JsonNode> events) implements JournalReader {
    @Override
    public long countOutside(String ruleSet, long earliest, long latest) {
        return events.stream().filter(e -> !within(e, earliest, latest)).count();
    }

    @Override
    public OptionalLong latestEventTime(String ruleSet, long earliest, long latest) {
        return events.stream().filter(e -> within(e, earliest, latest)).mapToLong(ListJournal::time).max();
    }

    @Override
    public Lines range(String ruleSet, long from, long latest) {
        Iterator<String> lines = events.stream().filter(e -> within(e, from, latest)).map(JsonNode::toString).iterator();
        return new Lines() {
            @Override
            public boolean hasNext() {
                return lines.hasNext();
            }

            @Override
            public String next() {
                return lines.next();
            }

            @Override
            public void close() {
            }
        };
    }

    private static boolean within(JsonNode event, long earliest, long latest) {
        long time = time(event);
        return time >= earliest && time <= latest;
    }

    private static long time(JsonNode event) {
        return EventDecoder.timeOf(event).orElseThrow();
    }
}
