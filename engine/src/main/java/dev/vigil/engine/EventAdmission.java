package dev.vigil.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.engine.api.Admission;
import dev.vigil.engine.api.Event;
import dev.vigil.engine.api.EventError;
import dev.vigil.engine.api.InvalidEventsException;
import dev.vigil.engine.api.QueueFullException;
import dev.vigil.engine.api.RuleSetFailedException;
import dev.vigil.engine.api.RuleSetStatus;
import dev.vigil.engine.session.LiveRuleSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Takes one {@link Admission} into the rule sets, all or none.
 *
 * <p>In four steps, each of which can refuse the whole: route each event by its type (cheap, so a
 * full queue is refused before any decoding), hold room in every queue it goes to, decode it for
 * each, and keep the decoded events in the journal. Only then is anything queued; a refusal after
 * room was held gives the room back.
 */
final class EventAdmission {
    private final Admission admission;
    private final List<LiveRuleSet> targets;
    private final List<List<LiveRuleSet>> routes = new ArrayList<>();
    private final Map<LiveRuleSet, Integer> counts = new LinkedHashMap<>();
    private final List<EventError> errors = new ArrayList<>();
    private final Map<LiveRuleSet, Integer> reserved = new LinkedHashMap<>();

    private EventAdmission(Admission admission, List<LiveRuleSet> targets) {
        this.admission = admission;
        this.targets = targets;
    }

    /**
     * Admits the events into {@code targets} (the rule sets they may go to).
     *
     * @return how many events each rule set took, by name
     */
    static Map<String, Integer> admit(Admission admission, List<LiveRuleSet> targets) {
        return new EventAdmission(admission, targets).admit();
    }

    private Map<String, Integer> admit() {
        route();
        if (!errors.isEmpty()) {
            decode();
            throw invalid();
        }
        reserve();
        var decoded = decode();
        try {
            if (!errors.isEmpty()) {
                throw invalid();
            }
            admission.journal().keep(batches(decoded));
        } catch (RuntimeException e) {
            reserved.forEach(LiveRuleSet::unreserve);
            throw e;
        }
        var accepted = new LinkedHashMap<String, Integer>();
        for (var entry : decoded.entrySet()) {
            var events = entry.getValue().events();
            entry.getKey().submitReserved(events);
            accepted.put(entry.getKey().name(), events.size());
        }
        return accepted;
    }

    private void route() {
        var events = admission.events();
        for (int i = 0; i < events.size(); i++) {
            var event = events.get(i);
            var tooLarge = tooLarge(event, i);
            if (tooLarge != null) {
                errors.add(tooLarge);
                routes.add(List.of());
                continue;
            }
            var type = event.isObject() && event.get("type") != null ? event.get("type").asText() : null;
            var route = new ArrayList<LiveRuleSet>(1);
            LiveRuleSet stopped = null;
            for (var live : targets) {
                if (type != null && live.status().state() != RuleSetStatus.State.RUNNING && live.decoder().accepts(type)) {
                    // A failed rule set takes no events; the others that declare the type still do.
                    stopped = live;
                    continue;
                }
                if (type == null || live.decoder().accepts(type)) {
                    route.add(live);
                    counts.merge(live, 1, Integer::sum);
                    if (type == null) {
                        break;
                    }
                }
            }
            if (route.isEmpty() && stopped != null) {
                throw new RuleSetFailedException("event " + i + " ('" + type + "') goes to rule set '" + stopped.name()
                        + "', which is " + stopped.status().state().name().toLowerCase(Locale.ROOT)
                        + (stopped.status().reason() == null ? "" : ": " + stopped.status().reason())
                        + "; none of the events was accepted");
            }
            if (route.isEmpty()) {
                errors.add(new EventError(i, id(event), "type", type == null
                        ? "is required: the name of an event type"
                        : "'" + type + "' is not an event type of " + (targets.size() == 1 ? "rule set '" + targets.get(0).name() + "'"
                        : "any deployed rule set")));
            }
            routes.add(route);
        }
    }

    /** Holds room in every queue before queuing into any: all or nothing across rule sets too. */
    private void reserve() {
        for (var entry : counts.entrySet()) {
            var live = entry.getKey();
            int n = entry.getValue();
            if (!live.reserve(n)) {
                reserved.forEach(LiveRuleSet::unreserve);
                throw new QueueFullException(n > live.capacity()
                        ? "rule set '" + live.name() + "' cannot take " + n + " events at once: its queue holds "
                                + live.capacity() + "; send them in smaller batches"
                        : "rule set '" + live.name() + "' has no room for " + n + " more events now; retry after it drains");
            }
            reserved.put(live, n);
        }
    }

    /** Decodes each event for each rule set it goes to, collecting every problem. */
    private Map<LiveRuleSet, Admission.Batch> decode() {
        var events = admission.events();
        var indexes = new LinkedHashMap<LiveRuleSet, List<Integer>>();
        var decoded = new LinkedHashMap<LiveRuleSet, List<Event>>();
        for (int i = 0; i < events.size(); i++) {
            for (var live : routes.get(i)) {
                try {
                    var event = live.decoder().decode(events.get(i), i);
                    decoded.computeIfAbsent(live, l -> new ArrayList<>()).add(event);
                    indexes.computeIfAbsent(live, l -> new ArrayList<>()).add(i);
                } catch (InvalidEventsException e) {
                    e.errors().forEach(error -> errors.add(error.withRuleSet(live.name())));
                }
            }
        }
        errors.sort(Comparator.comparingInt(EventError::index));
        var out = new LinkedHashMap<LiveRuleSet, Admission.Batch>();
        decoded.forEach((live, list) -> out.put(live, new Admission.Batch(live.name(), indexes.get(live), list)));
        return out;
    }

    private static List<Admission.Batch> batches(Map<LiveRuleSet, Admission.Batch> decoded) {
        return List.copyOf(decoded.values());
    }

    private InvalidEventsException invalid() {
        return new InvalidEventsException(errors);
    }

    /** What is wrong when event {@code index} is over a limit of size, else null. */
    private EventError tooLarge(JsonNode event, int index) {
        if (!event.isObject()) {
            return null;
        }
        var limits = admission.limits();
        if (event.size() > limits.fieldsPerEvent()) {
            return new EventError(index, id(event), null, "has " + event.size() + " fields; an event may have at most "
                    + limits.fieldsPerEvent());
        }
        for (var field : event.properties()) {
            var value = field.getValue();
            if (value.isTextual() && value.textValue().length() > limits.stringLength()) {
                return new EventError(index, id(event), field.getKey(), "is " + value.textValue().length() + " characters long; at most "
                        + limits.stringLength() + " are taken");
            }
        }
        return null;
    }

    private static String id(JsonNode event) {
        return event.isObject() && event.get("id") != null ? event.get("id").asText() : null;
    }
}
