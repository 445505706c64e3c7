package dev.vigil.server.store;

import dev.vigil.engine.api.Severity;
import java.time.Instant;

/**
 * Which stored alerts to read, newest first.
 *
 * @param ruleSet     only this rule set, or null
 * @param rule        only this rule, or null
 * @param minSeverity this severity or higher, or null
 * @param key         only this key, or null
 * @param since       event time at or after, or null
 * @param until       event time before, or null
 * @param limit       at most this many, 1 to 1,000
 * @param before      the cursor: only alerts stored before this position, or 0 for the newest
 */
public record AlertQuery(String ruleSet, String rule, Severity minSeverity, String key, Instant since, Instant until,
                         int limit, long before) {
    public static final int MAX_LIMIT = 1_000;

    public AlertQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
    }
}
