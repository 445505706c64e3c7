package dev.vigil.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * One sample's generated events as an endless stream at a steady rate: the events again and
 * again, each pass (a lap) starting where the last one's span ended, with event time starting at
 * the run's start and passing {@link #speed()} times faster than the wall clock, the speed at
 * which the sample's own timeline gives the rate asked for.
 *
 * <p>Each lap gives its events (and the fields named when the stream is made, such as card and
 * terminal ids) a suffix of its own, {@code -<lap>}, so that a lap is new traffic, not a
 * repetition the engine would take for the same events. An event the generator placed after the
 * span (a fraud report days after the last payment) is sent in the next lap, at its own time, with
 * the ids of the lap it belongs to; events of a lap before the first are left out.
 *
 * <p>Events are kept as their NDJSON text with two marks, where the time and the lap's suffixes
 * go, so that sending one costs a copy, not a parse. Not thread-safe.
 */
final class SampleStream {
    private static final char TIME = '\u0000';
    private static final char LAP = '\u0001';

    private final String name;
    private final String[] templates;
    private final long[] offsets;
    private final int[] lapsBack;
    private final long span;
    private final double speed;
    private final long origin;
    private final Duration fill;
    private int next;
    private long lap;

    private SampleStream(String name, String[] templates, long[] offsets, int[] lapsBack, long span, double speed, long origin,
                         Duration fill) {
        this.name = name;
        this.templates = templates;
        this.offsets = offsets;
        this.lapsBack = lapsBack;
        this.span = span;
        this.speed = speed;
        this.origin = origin;
        this.fill = fill;
    }

    /**
     * The stream of {@code ndjson} (a generator's events from {@code start} over {@code span}),
     * at {@code eventsPerSecond}, with event time starting at the epoch (see {@link #from}) and the
     * fields {@code lapFields} (besides {@code id}) made each lap's own; {@code fill} is how much
     * event time the rule set keeps most of these events.
     */
    static SampleStream of(String name, List<String> ndjson, Instant start, Duration span, Set<String> lapFields,
                           double eventsPerSecond, Duration fill) {
        var json = new ObjectMapper();
        long spanMillis = span.toMillis();
        int n = ndjson.size();
        var templates = new String[n];
        var offsets = new long[n];
        var lapsBack = new int[n];
        for (int i = 0; i < n; i++) {
            try {
                var event = (ObjectNode) json.readTree(ndjson.get(i));
                long offset = Instant.parse(event.get("time").asText()).toEpochMilli() - start.toEpochMilli();
                offsets[i] = Math.floorMod(offset, spanMillis);
                lapsBack[i] = (int) Math.floorDiv(offset, spanMillis);
                templates[i] = template(json, event, lapFields);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("the " + name + " sample's event " + i + " is not JSON: " + e.getMessage(), e);
            }
        }
        // Events are sent in the order of their time within the lap.
        var order = IntStream.range(0, n).boxed().sorted(Comparator.comparingLong(i -> offsets[i])).mapToInt(i -> i).toArray();
        double lapSeconds = n / eventsPerSecond;
        return new SampleStream(name, Arrays.stream(order).mapToObj(i -> templates[i]).toArray(String[]::new),
                Arrays.stream(order).mapToLong(i -> offsets[i]).toArray(), Arrays.stream(order).map(i -> lapsBack[i]).toArray(),
                spanMillis, spanMillis / (lapSeconds * 1000), 0, fill);
    }

    /** This stream with event time starting at {@code origin} (epoch ms). */
    SampleStream from(long origin) {
        return new SampleStream(name, templates, offsets, lapsBack, span, speed, origin, fill);
    }

    /** The event as JSON text with {@link #TIME} for its time's value and {@link #LAP} before the end of each lap field's value. */
    private static String template(ObjectMapper json, ObjectNode event, Set<String> lapFields) throws JsonProcessingException {
        var out = new StringBuilder("{");
        var fields = event.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            out.append(out.length() > 1 ? "," : "").append(json.writeValueAsString(field.getKey())).append(':');
            var value = json.writeValueAsString(field.getValue());
            if (field.getKey().equals("time")) {
                out.append(TIME);
            } else if (field.getValue().isTextual() && (field.getKey().equals("id") || lapFields.contains(field.getKey()))) {
                out.append(value, 0, value.length() - 1).append(LAP).append('"');
            } else {
                out.append(value);
            }
        }
        return out.append('}').toString();
    }

    /** The sample's name. */
    String name() {
        return name;
    }

    /** Event time per wall-clock time. */
    double speed() {
        return speed;
    }

    /** How long after the start the rule set's working memory is full: when the stream has played the event time it keeps. */
    double fillSeconds() {
        return fill.toMillis() / speed / 1000;
    }

    /** Events in one lap. */
    int eventsPerLap() {
        return templates.length;
    }

    /** How long after the run's start (ms) the next event is due. */
    double nextDueMillis() {
        return (lap * span + offsets[next]) / speed;
    }

    /**
     * Appends to {@code body}, as NDJSON lines, the events due by {@code elapsedMillis} after the
     * run's start, at most {@code limit}; answers how many it appended.
     */
    int appendDue(double elapsedMillis, StringBuilder body, int limit) {
        int appended = 0;
        while (appended < limit && nextDueMillis() <= elapsedMillis) {
            long ownLap = lap - lapsBack[next];
            if (ownLap >= 0) {
                append(body, templates[next], origin + lap * span + offsets[next], "-" + ownLap);
                appended++;
            }
            if (++next == templates.length) {
                next = 0;
                lap++;
            }
        }
        return appended;
    }

    private static void append(StringBuilder body, String template, long time, String suffix) {
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c == TIME) {
                body.append(time);
            } else if (c == LAP) {
                body.append(suffix);
            } else {
                body.append(c);
            }
        }
        body.append('\n');
    }
}
