package dev.vigil.kafka;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a committed offset's metadata holds so that the instance that takes the partition over can
 * rebuild its windows, and knows which alerts were already produced.
 *
 * @param rebuildFrom the first offset whose event is still in a window or the reorder buffer: the
 *                    takeover reads again from here
 * @param resumeAt    the first offset not read: every alert of the records before it, and of time
 *                    passing up to {@code clock}, was produced in the transaction of this commit
 * @param watermark   the stream's watermark then, epoch ms
 * @param clock       the stream's clock then, epoch ms
 */
record CommitPoint(long rebuildFrom, long resumeAt, long watermark, long clock) {
    private static final String PREFIX = "vigil/1";

    /** The metadata string of the committed offset. */
    String format() {
        return PREFIX + " rebuild=" + rebuildFrom + " resume=" + resumeAt + " watermark=" + watermark + " clock=" + clock;
    }

    /** The point {@code metadata} holds, or null when it is not Vigil's (committed by a tool, or empty). */
    static CommitPoint parse(String metadata) {
        if (metadata == null || !metadata.startsWith(PREFIX + " ")) {
            return null;
        }
        var values = new LinkedHashMap<String, Long>();
        for (var part : metadata.substring(PREFIX.length() + 1).split(" ")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                return null;
            }
            try {
                values.put(part.substring(0, eq), Long.parseLong(part.substring(eq + 1)));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return from(values);
    }

    private static CommitPoint from(Map<String, Long> values) {
        var rebuild = values.get("rebuild");
        var resume = values.get("resume");
        var watermark = values.get("watermark");
        var clock = values.get("clock");
        if (rebuild == null || resume == null || watermark == null || clock == null || rebuild > resume) {
            return null;
        }
        return new CommitPoint(rebuild, resume, watermark, clock);
    }
}
