package dev.vigil.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.engine.api.Severity;
import dev.vigil.server.alert.AlertPipeline;
import dev.vigil.server.auth.Scope;
import dev.vigil.server.json.Views;
import dev.vigil.server.store.AlertQuery;
import dev.vigil.server.store.AlertStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code /api/v1/alerts}: stored alerts, newest first, with filters and an opaque cursor. */
public final class AlertRoutes {
    private final AlertStore store;
    private final AlertPipeline pipeline;
    private final ObjectMapper json;
    private final Views views;
    private final InstantSource clock;

    private final AtomicInteger streams = new AtomicInteger();
    private volatile Runnable overflowed = () -> { };

    public AlertRoutes(AlertStore store, AlertPipeline pipeline, ObjectMapper json, InstantSource clock) {
        this.store = store;
        this.pipeline = pipeline;
        this.json = json;
        this.views = new Views(json);
        this.clock = clock;
    }

    public void ack(Context ctx) {
        var id = ctx.pathParam("id");
        if (!store.ack(id, clock.instant())) {
            throw ApiException.notFound("no alert with id '" + id + "'");
        }
        get(ctx);
    }

    /** Live alert streams open now. */
    public int streams() {
        return streams.get();
    }

    /** Where a stream dropped for falling behind is counted. */
    public void onOverflow(Runnable value) {
        this.overflowed = value;
    }

    /**
     * Server-sent events: each alert as it is stored, {@code event: alert}, {@code id:} the alert id,
     * the alert as data; {@code ?ruleset=} and {@code ?severity=} (that or higher) filter. Each
     * client is written to from a buffer and a thread of its own ({@link StreamClient}).
     */
    public void stream(io.javalin.http.sse.SseClient client) {
        var ruleSet = client.ctx().queryParam("ruleset");
        var severityText = client.ctx().queryParam("severity");
        var minSeverity = severityText == null ? null : Severity.parse(severityText);
        client.keepAlive();
        var stream = new StreamClient(client, alert -> (ruleSet == null || ruleSet.equals(alert.ruleSet()))
                && (minSeverity == null || alert.severity().compareTo(minSeverity) >= 0),
                alert -> views.alert(alert).toString(), dropped -> {
                    pipeline.unsubscribe(dropped);
                    overflowed.run();
                });
        client.sendComment("connected");
        pipeline.subscribe(stream);
        streams.incrementAndGet();
        client.onClose(() -> {
            pipeline.unsubscribe(stream);
            streams.decrementAndGet();
        });
        stream.start();
    }

    public void list(Context ctx) {
        var limitText = ctx.queryParam("limit");
        int limit = limitText == null ? 100 : Bodies.intParam(limitText, "limit");
        AlertQuery query;
        try {
            var severity = ctx.queryParam("severity");
            query = new AlertQuery(ctx.queryParam("ruleset"), ctx.queryParam("rule"),
                    severity == null ? null : Severity.parse(severity), ctx.queryParam("key"),
                    instant(ctx.queryParam("since"), "since"), instant(ctx.queryParam("until"), "until"), limit,
                    cursor(ctx.queryParam("cursor")));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        var found = store.find(query);
        var out = json.createObjectNode();
        var alerts = out.putArray("alerts");
        found.forEach(s -> alerts.add(views.alert(s.alert()).put("acked", s.ackedAt() != null)));
        out.put("next", found.size() == limit ? encode(found.get(found.size() - 1).position()) : null);
        ctx.json(out);
    }

    public void get(Context ctx) {
        var id = ctx.pathParam("id");
        var stored = store.find(id).orElseThrow(() -> ApiException.notFound("no alert with id '" + id + "'"));
        ctx.json(views.alert(stored.alert()).put("acked", stored.ackedAt() != null));
    }

    private static Instant instant(String text, String name) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be an ISO-8601 instant such as 2026-11-20T10:00:00Z, was '" + text + "'");
        }
    }

    private static long cursor(String text) {
        if (text == null) {
            return 0;
        }
        try {
            return Long.parseLong(new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cursor '" + text + "' is not one this server gave out");
        }
    }

    private static String encode(long position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Long.toString(position).getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Adds the alert routes. The live stream is checked before it opens, by {@code authorization}
     * and against {@code maxStreams}, since a stream cannot answer an error once it has begun.
     */
    public void addTo(RoutesConfig routes, Authorization authorization, int maxStreams) {
        routes.get("/api/v1/alerts", this::list, Scope.ALERTS_READ);
        routes.before("/api/v1/alerts/stream", ctx -> {
            authorization.authorize(ctx, Set.of(Scope.ALERTS_READ));
            if (streams() >= maxStreams) {
                ctx.header("Retry-After", "5");
                throw new ApiException(503, "too_many_streams", streams() + " live alert streams are open, the most this"
                        + " server takes (--max-streams); retry later, or read GET /api/v1/alerts");
            }
        });
        routes.sse("/api/v1/alerts/stream", this::stream);
        routes.get("/api/v1/alerts/{id}", this::get, Scope.ALERTS_READ);
        routes.post("/api/v1/alerts/{id}/ack", this::ack, Scope.ALERTS_READ);
    }
}
