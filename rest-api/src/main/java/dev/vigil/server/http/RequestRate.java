package dev.vigil.server.http;

import java.time.Duration;
import java.util.Objects;

/**
 * How fast a request body must arrive: at least {@code bytesPerSecond} over each {@code window}
 * (a body smaller than a window's worth, within one window). A slower one is cut off: a client
 * sending a byte now and then must not hold a connection, or a thread, for ever.
 *
 * @param bytesPerSecond from 1 to {@link #MOST_BYTES_PER_SECOND}
 * @param window         how long the rate is measured over, the grace a body has to start; positive
 */
public record RequestRate(long bytesPerSecond, Duration window) {
    /** A rate no client on a working network falls under: 100 MB a second. */
    public static final long MOST_BYTES_PER_SECOND = 100L << 20;
    /** 1 KB a second, over 10 seconds. */
    public static final RequestRate DEFAULT = new RequestRate(1024, Duration.ofSeconds(10));

    public RequestRate {
        Objects.requireNonNull(window, "window");
        if (bytesPerSecond < 1 || bytesPerSecond > MOST_BYTES_PER_SECOND) {
            throw new IllegalArgumentException("the minimum request rate must be between 1 and " + MOST_BYTES_PER_SECOND
                    + " bytes a second, was " + bytesPerSecond);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("the window of the minimum request rate must be positive, was " + window);
        }
    }
}
