package dev.vigil.engine.api;

/** How a rule set's session tells time. */
public enum ClockMode {
    /** A pseudo clock driven by the watermark of the events' own timestamps; reproducible. */
    EVENT_TIME,
    /** The Drools realtime clock: events are inserted on arrival; lowest latency, not reproducible. */
    REALTIME
}
