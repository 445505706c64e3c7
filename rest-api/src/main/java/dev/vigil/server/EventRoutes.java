package dev.vigil.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.engine.Engine;
import dev.vigil.engine.api.Event;
import dev.vigil.engine.api.EventError;
import dev.vigil.engine.api.InvalidEventsException;
import dev.vigil.engine.api.RuleSetFailedException;
import dev.vigil.engine.api.RuleSetStatus;
import dev.vigil.engine.session.LiveRuleSet;
import dev.vigil.server.api.ApiException;
import dev.vigil.server.store.JournalStore;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code POST /api/v1/events}: one JSON event, a JSON array, NDJSON, or CloudEvents in structured,
 * batch or binary mode. Each event goes to every deployed rule set that declares its type
 * ({@code ?ruleset=} narrows). All or nothing: one bad event, or one rule set without room, and
 * none is taken; every problem is listed by event index and field.
 */
final class EventRoutes {
    /** How long a request waits for a durable journal before it gives up (and accepts nothing). */
    private static final long JOURNAL_WAIT_SECONDS = 10;
    private final Engine engine;
    private final ObjectMapper json;
    private final CloudEvents cloudEvents;
    private final Metrics metrics;
    private final Journal journal;
    private final ServerConfig.InputLimits limits;
    private final long maxBodyBytes;

    /** {@code journal} may be null: no journal. */
    EventRoutes(Engine engine, ObjectMapper json, Metrics metrics, Journal journal, long maxBodyBytes, ServerConfig.InputLimits limits) {
        this.limits = limits;
        this.engine = engine;
        this.maxBodyBytes = maxBodyBytes;
        this.json = json;
        this.metrics = metrics;
        this.journal = journal;
        this.cloudEvents = new CloudEvents(json, type -> engine.ruleSets().stream().anyMatch(r -> r.decoder().accepts(type)));
    }

    void post(Context ctx) {
        var targets = targets(ctx.queryParam("ruleset"));
        var contentType = ctx.contentType() == null ? "" : ctx.contentType();
        byte[] body = Bodies.bytes(ctx, maxBodyBytes);
        refuseEarlyWhenFull(ctx, contentType, body, targets);
        var posted = parse(ctx, contentType, body);
        var events = posted.events();
        if (events.size() > limits.eventsPerRequest()) {
            metrics.rejected(events.size());
            throw new ApiException(413, "too_many_events", events.size() + " events in one request; at most "
                    + limits.eventsPerRequest() + " are taken (--max-events-per-request): send them in smaller batches");
        }
        // Route by type first, which is cheap, so that a full queue is refused before any decoding.
        var routes = new ArrayList<List<LiveRuleSet>>(events.size());
        var counts = new LinkedHashMap<LiveRuleSet, Integer>();
        var errors = new ArrayList<Map<String, Object>>();
        for (int i = 0; i < events.size(); i++) {
            var event = events.get(i);
            var tooLarge = tooLarge(event, i);
            if (tooLarge != null) {
                errors.add(error(tooLarge, null));
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
                throw new ApiException(503, "rule_set_failed", "event " + i + " ('" + type + "') goes to rule set '" + stopped.name()
                        + "', which is " + stopped.status().state().name().toLowerCase(Locale.ROOT)
                        + (stopped.status().reason() == null ? "" : ": " + stopped.status().reason())
                        + "; none of the events was accepted");
            }
            if (route.isEmpty()) {
                errors.add(error(new EventError(i, id(event), "type", type == null
                        ? "is required: the name of an event type"
                        : "'" + type + "' is not an event type of " + (targets.size() == 1 ? "rule set '" + targets.get(0).name() + "'"
                        : "any deployed rule set")), null));
            }
            routes.add(route);
        }
        if (!errors.isEmpty()) {
                decode(posted, routes, errors, new LinkedHashMap<>(), new LinkedHashMap<>());
            throw invalid(events.size(), errors);
        }
        // All or nothing across rule sets too: hold room in every queue before queuing into any.
        var reserved = new LinkedHashMap<LiveRuleSet, Integer>();
        for (var entry : counts.entrySet()) {
            var live = entry.getKey();
            int n = entry.getValue();
            if (!live.reserve(n)) {
                reserved.forEach(LiveRuleSet::unreserve);
                ctx.header("Retry-After", "1");
                throw new ApiException(429, "queue_full", n > live.capacity()
                        ? "rule set '" + live.name() + "' cannot take " + n + " events at once: its queue holds "
                                + live.capacity() + "; send them in smaller batches"
                        : "rule set '" + live.name() + "' has no room for " + n + " more events now; retry after it drains");
            }
            reserved.put(live, n);
        }
        var decoded = new LinkedHashMap<LiveRuleSet, List<Event>>();
        var raw = new LinkedHashMap<LiveRuleSet, List<String>>();
        decode(posted, routes, errors, decoded, raw);
        if (!errors.isEmpty()) {
            reserved.forEach(LiveRuleSet::unreserve);
            throw invalid(events.size(), errors);
        }
        if (journal != null) {
            journal(decoded, raw, reserved, ctx);
        }
        for (var entry : decoded.entrySet()) {
            try {
                entry.getKey().submitReserved(entry.getValue());
            } catch (RuleSetFailedException e) {
                throw new ApiException(503, "rule_set_failed", e.getMessage());
            }
            metrics.accepted(entry.getKey().name(), entry.getValue().size());
        }
        ctx.status(202).contentType(ContentType.APPLICATION_JSON).result("{\"accepted\":" + events.size() + "}");
    }

    /**
     * Journals the events before they go to the rule sets; a durable journal answers once they
     * are on disk. When the journal cannot take them, nothing is accepted.
     */
    private void journal(Map<LiveRuleSet, List<Event>> decoded, Map<LiveRuleSet, List<String>> raw, Map<LiveRuleSet, Integer> reserved,
                         Context ctx) {
        var chunks = new ArrayList<JournalStore.Chunk>();
        for (var entry : decoded.entrySet()) {
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            for (var event : entry.getValue()) {
                first = Math.min(first, event.time());
                last = Math.max(last, event.time());
            }
            chunks.add(journal.chunk(entry.getKey().name(), raw.get(entry.getKey()), first, last));
        }
        try {
            journal.append(chunks).get(JOURNAL_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (Journal.JournalFullException e) {
            reserved.forEach(LiveRuleSet::unreserve);
            ctx.header("Retry-After", "1");
            throw new ApiException(429, "journal_full", e.getMessage());
        } catch (ExecutionException | TimeoutException e) {
            reserved.forEach(LiveRuleSet::unreserve);
            throw new ApiException(503, "journal_unavailable", "the events could not be journaled, so none was accepted: "
                    + (e.getCause() == null ? "no answer within " + JOURNAL_WAIT_SECONDS + " s" : e.getCause().getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reserved.forEach(LiveRuleSet::unreserve);
            throw new ApiException(503, "journal_unavailable", "interrupted while journaling the events; none was accepted");
        }
    }

    /**
     * With one rule set to go to, an NDJSON body that cannot fit its queue is refused by counting
     * its lines, before it is parsed: a client that keeps sending while the rules catch up costs
     * little. (With several, each event's rule sets are only known once it is parsed.)
     */
    private static void refuseEarlyWhenFull(Context ctx, String contentType, byte[] body, List<LiveRuleSet> targets) {
        if (targets.size() != 1 || !isNdjson(contentType)) {
            return;
        }
        var live = targets.get(0);
        int lines = 0;
        boolean content = false;
        for (byte b : body) {
            if (b == '\n') {
                lines += content ? 1 : 0;
                content = false;
            } else if (b != ' ' && b != '\t' && b != '\r') {
                content = true;
            }
        }
        lines += content ? 1 : 0;
        if (lines > live.room()) {
            ctx.header("Retry-After", "1");
            throw new ApiException(429, "queue_full", "rule set '" + live.name() + "' has no room for " + lines
                    + " more events now; retry after it drains");
        }
    }

    /** Decodes each event for each rule set it goes to, collecting every problem into {@code errors}. */
    private void decode(Posted posted, List<List<LiveRuleSet>> routes, List<Map<String, Object>> errors,
                        Map<LiveRuleSet, List<Event>> decoded, Map<LiveRuleSet, List<String>> raw) {
        var events = posted.events();
        for (int i = 0; i < events.size(); i++) {
            var event = events.get(i);
            for (var live : routes.get(i)) {
                try {
                    var decodedEvent = live.decoder().decode(event, i);
                    decoded.computeIfAbsent(live, l -> new ArrayList<>()).add(decodedEvent);
                    if (journal != null) {
                        raw.computeIfAbsent(live, l -> new ArrayList<>()).add(journalLine(posted, i, decodedEvent));
                    }
                } catch (InvalidEventsException e) {
                    e.errors().forEach(err -> errors.add(error(err, live.name())));
                }
            }
        }
        errors.sort(Comparator.comparingInt(e -> (Integer) e.get("index")));
    }

    /**
     * The line the journal keeps for event {@code index}: as posted, or, when it came without a
     * time and so happened at its arrival, with that time, so that a replay of the journal puts it
     * where it was and not at the time of the replay.
     */
    private static String journalLine(Posted posted, int index, Event decoded) {
        var event = posted.events().get(index);
        var time = event.get("time");
        if ((time == null || time.isNull()) && event instanceof ObjectNode object) {
            return object.deepCopy().put("time", decoded.time()).toString();
        }
        return posted.line(index);
    }

    /** What is wrong when event {@code index} is over a limit of size, else null. */
    private EventError tooLarge(JsonNode event, int index) {
        if (!event.isObject()) {
            return null;
        }
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

    private ApiException invalid(int events, List<Map<String, Object>> errors) {
        metrics.rejected(events);
        return new ApiException(400, "invalid_events", errors.size() + " problem(s) in the events; none was accepted", errors);
    }

    private List<LiveRuleSet> targets(String ruleSet) {
        if (ruleSet != null) {
            return List.of(engine.ruleSet(ruleSet).orElseThrow(() -> ApiException.notFound("no rule set named '" + ruleSet + "' is deployed")));
        }
        return List.copyOf(engine.ruleSets());
    }

    /**
     * The events of a request, and where the body already holds each on a line of its own (NDJSON,
     * a one-line event), that line: the journal stores it as posted instead of writing it again.
     */
    private record Posted(List<JsonNode> events, List<String> lines) {
        String line(int index) {
            return lines == null ? events.get(index).toString() : lines.get(index);
        }
    }

    private Posted parse(Context ctx, String contentType, byte[] body) {
        if (isNdjson(contentType)) {
            return parseNdjson(body);
        }
        if (ctx.header("ce-specversion") != null) {
            return new Posted(List.of(cloudEvents.binary(ctx.headerMap(), body.length == 0 ? null : readJson(body))), null);
        }
        JsonNode node = readJson(body);
        if (node == null || node.isMissingNode()) {
            throw ApiException.badRequest("the body is empty: send an event, an array of events, or NDJSON");
        }
        if (contentType.startsWith(CloudEvents.STRUCTURED)) {
            return new Posted(List.of(cloudEvents.structured(node)), null);
        }
        if (contentType.startsWith(CloudEvents.BATCH)) {
            return new Posted(cloudEvents.batch(node), null);
        }
        if (node.isArray()) {
            var out = new ArrayList<JsonNode>();
            node.forEach(out::add);
            return new Posted(out, null);
        }
        return new Posted(List.of(node), oneLine(body) ? List.of(new String(body, StandardCharsets.UTF_8).strip()) : null);
    }

    private Posted parseNdjson(byte[] body) {
        var events = new ArrayList<JsonNode>();
        var lines = new ArrayList<String>();
        int line = 0;
        for (int start = 0; start < body.length; ) {
            int end = start;
            while (end < body.length && body[end] != '\n') {
                end++;
            }
            line++;
            int from = start;
            int to = end;
            while (from < to && isBlank(body[from])) {
                from++;
            }
            while (to > from && isBlank(body[to - 1])) {
                to--;
            }
            if (from < to) {
                try {
                    events.add(json.readTree(body, from, to - from));
                } catch (IOException e) {
                    var message = e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
                    throw new ApiException(400, "bad_json", "line " + line + " is not valid JSON: " + message,
                            List.of(Map.of("line", line, "message", message)));
                }
                lines.add(new String(body, from, to - from, StandardCharsets.UTF_8));
            }
            start = end + 1;
        }
        return new Posted(events, lines);
    }

    private static boolean isNdjson(String contentType) {
        return contentType.startsWith("application/x-ndjson") || contentType.startsWith("application/jsonl");
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t' || b == '\r';
    }

    private static boolean oneLine(byte[] body) {
        for (byte b : body) {
            if (b == '\n' || b == '\r') {
                return false;
            }
        }
        return true;
    }

    private JsonNode readJson(byte[] body) {
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "bad_json", "the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("the body could not be read: " + e.getMessage());
        }
    }

    private static String id(JsonNode event) {
        return event.isObject() && event.get("id") != null ? event.get("id").asText() : null;
    }

    private static Map<String, Object> error(EventError error, String ruleSet) {
        var out = new LinkedHashMap<String, Object>();
        out.put("index", error.index());
        if (error.eventId() != null) {
            out.put("id", error.eventId());
        }
        if (error.field() != null) {
            out.put("field", error.field());
        }
        if (ruleSet != null) {
            out.put("ruleSet", ruleSet);
        }
        out.put("message", error.message());
        return out;
    }
}
