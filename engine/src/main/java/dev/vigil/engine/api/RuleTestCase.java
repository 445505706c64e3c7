package dev.vigil.engine.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One rule test case: events to replay and the alerts expected of them.
 *
 * @param file       the file it came from, relative to its rule set folder
 * @param name       its name
 * @param line       the line it starts on
 * @param start      the instant relative times count from
 * @param events     the events as Vigil's JSON events, with absolute times and ids
 * @param eventLines the line of each event in the file
 * @param expect     alerts that must fire
 * @param expectNone alerts that must not fire
 * @param exactly    when true, no alert other than the expected ones may fire
 * @param until      when not null, the clock moves to start + until after the last event
 */
public record RuleTestCase(String file, String name, int line, Instant start, List<ObjectNode> events, List<Integer> eventLines,
                           List<Expectation> expect, List<Expectation> expectNone, boolean exactly, Duration until) {
    public RuleTestCase {
        events = List.copyOf(events);
        eventLines = List.copyOf(eventLines);
        expect = List.copyOf(expect);
        expectNone = List.copyOf(expectNone);
    }
}
