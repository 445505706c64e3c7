package dev.vigil.server.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests per second per token, as a bucket per token that refills at the rate and holds a
 * second's worth: a client may burst to the rate, then goes at it. Timed by a stopwatch.
 */
public final class RateLimiter {
    private final double perSecond;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(int perSecond) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("a rate limit is at least 1 request per second, was " + perSecond);
        }
        this.perSecond = perSecond;
    }

    public int perSecond() {
        return (int) perSecond;
    }

    /** Takes a request for {@code key}: 0 when it may go now, else the milliseconds until it may. */
    public long take(String key) {
        return buckets.computeIfAbsent(key, k -> new Bucket(perSecond, System.nanoTime())).take(perSecond, System.nanoTime());
    }

    private static final class Bucket {
        private double tokens;
        private long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }

        synchronized long take(double perSecond, long now) {
            tokens = Math.min(perSecond, tokens + (now - at) / 1e9 * perSecond);
            at = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / perSecond * 1000);
        }
    }
}
