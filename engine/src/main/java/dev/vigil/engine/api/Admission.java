package dev.vigil.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * Events offered to the engine at once, taken all or none: each goes to every running rule set that
 * declares its type, or only to {@code ruleSet} when that is set.
 *
 * @param events  the events, as posted
 * @param ruleSet the one rule set they go to, or null for every rule set that declares their type
 * @param limits  the size each event may have
 * @param journal keeps the decoded events before any is queued; {@link Journal#NONE} for none
 */
public record Admission(List<? extends JsonNode> events, String ruleSet, EventLimits limits, Journal journal) {
    public Admission {
        events = List.copyOf(events);
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(journal, "journal");
    }

    /**
     * Where admitted events are kept before they are queued, so that they survive a stop. It runs
     * once every event is decoded and room is held in every queue; when it throws, the room is given
     * back and nothing is queued.
     */
    @FunctionalInterface
    public interface Journal {
        /** Keeps the events; returns once they are kept. */
        void keep(List<Batch> batches);

        /** Keeps nothing. */
        Journal NONE = batches -> {
        };
    }

    /**
     * The events one rule set takes.
     *
     * @param ruleSet its name
     * @param indexes each event's position in {@link Admission#events()}
     * @param events  the events as decoded, in the same order
     */
    public record Batch(String ruleSet, List<Integer> indexes, List<Event> events) {
        public Batch {
            indexes = List.copyOf(indexes);
            events = List.copyOf(events);
        }
    }
}
