package dev.vigil.server.http;

import dev.vigil.engine.api.EventTimeBounds;
import dev.vigil.engine.api.ReplayOrder;
import java.time.Duration;
import java.util.Objects;

/**
 * How much one request may carry, and what times its events may have; past each limit the
 * request is refused whole, saying which.
 *
 * @param eventsPerRequest the most events in one post (413 past it)
 * @param fieldsPerEvent   the most fields one event may have (400 naming the event)
 * @param stringLength     the longest string value of an event field, in characters (400 naming the field)
 * @param ruleSetFiles     the most files a rule set may have (413)
 * @param ruleSetBytes     the most bytes of text a rule set's files may hold together (413)
 * @param streamClients    the most live alert streams open at once (503 past it)
 * @param requestsPerSecond the requests one token may make per second, a second's worth at once;
 *                         0 for no limit (429 with Retry-After past it)
 * @param requestTimeout   how long a request may go without sending or taking a byte before the
 *                         server gives up on it (a client that sends its body slowly or not at all)
 * @param minRequestRate   how fast a request body must arrive
 * @param eventTimes       the event times taken, measured against the server's clock (400 naming the event)
 * @param replaySortMemory the most events a replay holds in memory while it sorts its input by event
 *                         time; past it, sorted runs go to files in the data folder
 */
public record InputLimits(int eventsPerRequest, int fieldsPerEvent, int stringLength, int ruleSetFiles, long ruleSetBytes,
                          int streamClients, int requestsPerSecond, Duration requestTimeout, RequestRate minRequestRate,
                          EventTimeBounds eventTimes, int replaySortMemory) {
    public static final InputLimits DEFAULTS = new InputLimits(50_000, 200, 65_536, 200, 4L << 20, 100, 0, Duration.ofSeconds(30),
            RequestRate.DEFAULT, EventTimeBounds.LIVE, ReplayOrder.DEFAULT_SORT_MEMORY);

    public InputLimits {
        if (eventsPerRequest < 1 || fieldsPerEvent < 1 || stringLength < 1 || ruleSetFiles < 1 || ruleSetBytes < 1 || streamClients < 1
                || replaySortMemory < 1) {
            throw new IllegalArgumentException("input limits must be positive");
        }
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(minRequestRate, "minRequestRate");
        Objects.requireNonNull(eventTimes, "eventTimes");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive, was " + requestTimeout);
        }
        if (requestsPerSecond < 0) {
            throw new IllegalArgumentException("requestsPerSecond must not be negative (0: no limit), was " + requestsPerSecond);
        }
    }

    /** Request sizes as given, the other limits as by default. */
    public InputLimits(int eventsPerRequest, int fieldsPerEvent, int stringLength, int ruleSetFiles, long ruleSetBytes) {
        this(eventsPerRequest, fieldsPerEvent, stringLength, ruleSetFiles, ruleSetBytes, 100, 0, Duration.ofSeconds(30),
                RequestRate.DEFAULT, EventTimeBounds.LIVE, ReplayOrder.DEFAULT_SORT_MEMORY);
    }

    public InputLimits withStreams(int clients, int perSecond) {
        return new InputLimits(eventsPerRequest, fieldsPerEvent, stringLength, ruleSetFiles, ruleSetBytes, clients, perSecond,
                requestTimeout, minRequestRate, eventTimes, replaySortMemory);
    }

    public InputLimits withRequestTimeout(Duration value) {
        return new InputLimits(eventsPerRequest, fieldsPerEvent, stringLength, ruleSetFiles, ruleSetBytes, streamClients,
                requestsPerSecond, value, minRequestRate, eventTimes, replaySortMemory);
    }

    public InputLimits withMinRequestRate(RequestRate value) {
        return new InputLimits(eventsPerRequest, fieldsPerEvent, stringLength, ruleSetFiles, ruleSetBytes, streamClients,
                requestsPerSecond, requestTimeout, value, eventTimes, replaySortMemory);
    }

    public InputLimits withEventTimes(EventTimeBounds value) {
        return new InputLimits(eventsPerRequest, fieldsPerEvent, stringLength, ruleSetFiles, ruleSetBytes, streamClients,
                requestsPerSecond, requestTimeout, minRequestRate, value, replaySortMemory);
    }

    public InputLimits withReplaySortMemory(int value) {
        return new InputLimits(eventsPerRequest, fieldsPerEvent, stringLength, ruleSetFiles, ruleSetBytes, streamClients,
                requestsPerSecond, requestTimeout, minRequestRate, eventTimes, value);
    }
}
