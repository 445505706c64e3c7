package dev.vigil.engine.profile;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** Durations as rules write them ({@code 500ms}, {@code 30s}, {@code 10m}, {@code 1h30m}, {@code 30d}), in milliseconds. */
final class Spans {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d|w)");
    /** Rules pass the same few texts on every event: parse each once. */
    private static final Map<String, Long> PARSED = new ConcurrentHashMap<>();
    private static final int MAX_CACHED = 1_000;

    private Spans() {
    }

    static long millis(String text) {
        if (text == null) {
            throw new IllegalArgumentException("a duration is required, like 30m, 1h or 30d");
        }
        var cached = PARSED.get(text);
        if (cached != null) {
            return cached;
        }
        long parsed = parse(text);
        if (PARSED.size() < MAX_CACHED) {
            PARSED.put(text, parsed);
        }
        return parsed;
    }

    private static long parse(String text) {
        var m = PART.matcher(text.trim().toLowerCase(Locale.ROOT));
        long total = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            total += n * switch (m.group(2)) {
                case "ms" -> 1L;
                case "s" -> 1_000L;
                case "m" -> 60_000L;
                case "h" -> 3_600_000L;
                case "d" -> 86_400_000L;
                default -> 604_800_000L;
            };
            end = m.end();
        }
        if (end == 0 || end != text.trim().length() || total <= 0) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: write it like 500ms, 30s, 10m, 1h30m, 30d or 2w");
        }
        return total;
    }
}
