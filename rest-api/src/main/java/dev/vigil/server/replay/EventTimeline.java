package dev.vigil.server.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A replay's events counted per bucket of event time, for the editor's timeline when it has not
 * the events itself (a journal range). The bucket widths are those the editor's chart uses (then
 * doubling past a week); a width is widened to the next one as the events spread, so at most
 * {@link #MAX_BUCKETS} buckets are held and answered whatever the input's length and times.
 */
final class EventTimeline {
    /** At most this many buckets are held and answered. */
    static final int MAX_BUCKETS = 120;
    private static final long[] WIDTHS = {1_000, 5_000, 10_000, 30_000, 60_000, 300_000, 600_000, 1_800_000, 3_600_000,
        21_600_000, 86_400_000, 604_800_000};

    private long width = WIDTHS[0];
    private final TreeMap<Long, Long> counts = new TreeMap<>();

    /** {@code events}, counted here as they pass by the time {@code timeOf} tells (those without one are not). */
    Iterator<JsonNode> counting(Iterator<JsonNode> events, Function<JsonNode, OptionalLong> timeOf) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return events.hasNext();
            }

            @Override
            public JsonNode next() {
                var event = events.next();
                timeOf.apply(event).ifPresent(EventTimeline.this::add);
                return event;
            }
        };
    }

    void add(long time) {
        counts.merge(Math.floorDiv(time, width) * width, 1L, Long::sum);
        while (spanned() > MAX_BUCKETS) {
            widen();
        }
    }

    private long spanned() {
        return (counts.lastKey() - counts.firstKey()) / width + 1;
    }

    /** The next width of the chart's, or, past a week, twice the width. */
    private void widen() {
        width = Arrays.stream(WIDTHS).filter(w -> w > width).findFirst().orElse(width * 2);
        var wider = new TreeMap<Long, Long>();
        for (Map.Entry<Long, Long> e : counts.entrySet()) {
            wider.merge(Math.floorDiv(e.getKey(), width) * width, e.getValue(), Long::sum);
        }
        counts.clear();
        counts.putAll(wider);
    }

    /** {"start", "widthMs", "events": [count per bucket from start]}; no buckets when no event had a time. */
    ObjectNode view(ObjectMapper json) {
        var node = json.createObjectNode().put("widthMs", width);
        var events = node.putArray("events");
        if (counts.isEmpty()) {
            return node;
        }
        long start = counts.firstKey();
        node.put("start", Instant.ofEpochMilli(start).toString());
        for (long t = start; t <= counts.lastKey(); t += width) {
            events.add(counts.getOrDefault(t, 0L));
        }
        return node;
    }
}
