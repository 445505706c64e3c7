package dev.vigil.engine.api;

/**
 * What an event-time session does with an event whose time is older than the watermark.
 *
 * <p>Either way the event is counted as late and reported to the engine listener; it is never
 * dropped silently.
 */
public enum LatePolicy {
    /**
     * Insert it at once with its own timestamp: windows that still cover its time count it, while
     * decisions already taken (an absence that already fired) are not revisited.
     */
    PROCESS,
    /** Do not insert it; it is counted and handed to the listener, for example to dead-letter it. */
    DROP
}
