package dev.vigil.server.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.engine.Engine;
import dev.vigil.engine.api.Admission;
import dev.vigil.engine.api.Event;
import dev.vigil.engine.api.EventError;
import dev.vigil.engine.api.EventLimits;
import dev.vigil.engine.api.InvalidEventsException;
import dev.vigil.engine.api.NoSuchRuleSetException;
import dev.vigil.engine.api.QueueFullException;
import dev.vigil.engine.api.RuleSetFailedException;
import dev.vigil.engine.api.SourcedElsewhereException;
import dev.vigil.server.auth.Scope;
import dev.vigil.server.http.ApiException;
import dev.vigil.server.http.Bodies;
import dev.vigil.server.http.InputLimits;
import dev.vigil.server.metrics.Metrics;
import dev.vigil.server.store.JournalStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
public final class EventRoutes {
    /** How long a request waits for a durable journal before it gives up (and accepts nothing). */
    private static final long JOURNAL_WAIT_SECONDS = 10;
    private final Engine engine;
    private final ObjectMapper json;
    private final CloudEvents cloudEvents;
    private final Metrics metrics;
    private final Journal journal;
    private final InputLimits limits;
    private final long maxBodyBytes;

    /** {@code journal} may be null: no journal. */
    public EventRoutes(Engine engine, ObjectMapper json, Metrics metrics, Journal journal, long maxBodyBytes, InputLimits limits) {
        this.limits = limits;
        this.engine = engine;
        this.maxBodyBytes = maxBodyBytes;
        this.json = json;
        this.metrics = metrics;
        this.journal = journal;
        this.cloudEvents = new CloudEvents(json, engine::accepts);
    }

    public void post(Context ctx) {
        var ruleSet = ctx.queryParam("ruleset");
        var contentType = ctx.contentType() == null ? "" : ctx.contentType();
        byte[] body = Bodies.bytes(ctx, maxBodyBytes);
        refuseEarlyWhenFull(ctx, contentType, body, ruleSet);
        var posted = parse(ctx, contentType, body);
        var events = posted.events();
        if (events.size() > limits.eventsPerRequest()) {
            metrics.rejected(events.size());
            throw new ApiException(413, "too_many_events", events.size() + " events in one request; at most "
                    + limits.eventsPerRequest() + " are taken (--max-events-per-request): send them in smaller batches");
        }
        Map<String, Integer> accepted;
        try {
            accepted = engine.admit(new Admission(events, ruleSet, new EventLimits(limits.fieldsPerEvent(), limits.stringLength()),
                    journal == null ? Admission.Journal.NONE : batches -> journal(posted, batches, ctx)));
        } catch (NoSuchRuleSetException e) {
            throw ApiException.notFound(e.getMessage());
        } catch (InvalidEventsException e) {
            metrics.rejected(events.size());
            throw new ApiException(400, "invalid_events", e.errors().size() + " problem(s) in the events; none was accepted",
                    e.errors().stream().map(EventRoutes::error).toList());
        } catch (QueueFullException e) {
            ctx.header("Retry-After", "1");
            throw new ApiException(429, "queue_full", e.getMessage());
        } catch (RuleSetFailedException e) {
            throw new ApiException(503, "rule_set_failed", e.getMessage());
        } catch (SourcedElsewhereException e) {
            throw new ApiException(409, "sourced_elsewhere", e.getMessage());
        }
        accepted.forEach(metrics::accepted);
        ctx.status(202).contentType(ContentType.APPLICATION_JSON).result("{\"accepted\":" + events.size() + "}");
    }

    /**
     * Journals the events before they go to the rule sets; a durable journal answers once they
     * are on disk. When the journal cannot take them, it throws, and nothing is accepted.
     */
    private void journal(Posted posted, List<Admission.Batch> batches, Context ctx) {
        var chunks = new ArrayList<JournalStore.Chunk>();
        for (var batch : batches) {
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            var lines = new ArrayList<String>(batch.events().size());
            for (int i = 0; i < batch.events().size(); i++) {
                var event = batch.events().get(i);
                first = Math.min(first, event.time());
                last = Math.max(last, event.time());
                lines.add(journalLine(posted, batch.indexes().get(i), event));
            }
            chunks.add(journal.chunk(batch.ruleSet(), lines, first, last));
        }
        try {
            journal.append(chunks).get(JOURNAL_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (Journal.JournalFullException e) {
            ctx.header("Retry-After", "1");
            throw new ApiException(429, "journal_full", e.getMessage());
        } catch (ExecutionException | TimeoutException e) {
            throw new ApiException(503, "journal_unavailable", "the events could not be journaled, so none was accepted: "
                    + (e.getCause() == null ? "no answer within " + JOURNAL_WAIT_SECONDS + " s" : e.getCause().getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "journal_unavailable", "interrupted while journaling the events; none was accepted");
        }
    }

    /**
     * With one rule set to go to, an NDJSON body that cannot fit its queue is refused by counting
     * its lines, before it is parsed: a client that keeps sending while the rules catch up costs
     * little. (With several, each event's rule sets are only known once it is parsed.)
     */
    private void refuseEarlyWhenFull(Context ctx, String contentType, byte[] body, String ruleSet) {
        if (!isNdjson(contentType)) {
            return;
        }
        var targets = ruleSet != null ? engine.ruleSet(ruleSet).stream().toList() : engine.ruleSets();
        if (targets.size() != 1) {
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
        if (lines > live.queueRoom()) {
            ctx.header("Retry-After", "1");
            throw new ApiException(429, "queue_full", "rule set '" + live.name() + "' has no room for " + lines
                    + " more events now; retry after it drains");
        }
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

    private static Map<String, Object> error(EventError error) {
        var out = new LinkedHashMap<String, Object>();
        out.put("index", error.index());
        if (error.eventId() != null) {
            out.put("id", error.eventId());
        }
        if (error.field() != null) {
            out.put("field", error.field());
        }
        if (error.ruleSet() != null) {
            out.put("ruleSet", error.ruleSet());
        }
        out.put("message", error.message());
        return out;
    }

    public void addTo(RoutesConfig routes) {
        routes.post("/api/v1/events", this::post, Scope.EVENTS_WRITE);
    }
}
