package dev.vigil.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.server.auth.Scope;
import dev.vigil.server.auth.Tokens;
import dev.vigil.server.store.AuditStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.time.InstantSource;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log over HTTP: every request that changed what the server runs or who may use it
 * (deploy, rollback, undeploy, webhook and token changes) is recorded once it succeeded, with
 * the name of its token, and so is every run of rule code sent with the request (replays with
 * inline rules, rule tests with inline cases), however it ended; {@code GET /api/v1/audit} reads
 * it, newest first.
 */
public final class AuditRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(AuditRoutes.class);
    /** The widths of the log's target and detail columns. */
    private static final int TARGET_CHARS = 512;
    private static final int DETAIL_CHARS = 1024;
    /** The audited endpoints by method and path, and what each does. */
    private static final Map<String, String> ACTIONS = Map.of(
            "PUT /api/v1/rulesets/{name}", "deploy",
            "POST /api/v1/rulesets/{name}/rollback", "rollback",
            "DELETE /api/v1/rulesets/{name}", "undeploy",
            "POST /api/v1/webhooks", "subscribe",
            "DELETE /api/v1/webhooks/{id}", "unsubscribe",
            "POST /api/v1/tokens", "issue token",
            "POST /api/v1/tokens/admin/rotate", "rotate admin token",
            "DELETE /api/v1/tokens/{name}", "revoke token");

    private final AuditStore store;
    private final ObjectMapper json;
    private final InstantSource clock;

    public AuditRoutes(AuditStore store, ObjectMapper json, InstantSource clock) {
        this.store = store;
        this.json = json;
        this.clock = clock;
    }

    /** Records a change made without a request, such as a deploy from the rules folder, or a run of rule code. */
    public void record(String actor, String action, String target, String detail) {
        try {
            store.record(clock.instant(), actor, action, clip(target, TARGET_CHARS), detail == null ? null : clip(detail, DETAIL_CHARS));
        } catch (RuntimeException e) {
            LOG.error("the audit log could not record {} {}: {}", action, target, e.getMessage());
        }
    }

    /** After every request: records the audited ones that succeeded. */
    public void record(Context ctx) {
        var endpoint = ctx.endpoints().lastHttpEndpoint();
        if (endpoint == null || ctx.method() == HandlerType.GET || ctx.statusCode() / 100 != 2) {
            return;
        }
        var action = ACTIONS.get(ctx.method().name() + " " + endpoint.path);
        if (action == null) {
            return;
        }
        var answer = answer(ctx);
        var target = ctx.pathParamMap().getOrDefault("name", ctx.pathParamMap().getOrDefault("id", answer.path("id").asText(
                answer.path("name").asText(""))));
        String detail = null;
        if (answer.has("version")) {
            detail = "version " + answer.get("version").asText();
        } else if (answer.has("url")) {
            detail = answer.get("url").asText();
        }
        record(actor(ctx), action, target, detail);
    }

    /** The name of the token the request was authorized with. */
    public static String actor(Context ctx) {
        String actor = ctx.attribute(Tokens.ACTOR);
        return actor == null ? "?" : actor;
    }

    /**
     * How a request that was refused or failed ended, for an entry's detail: its status, error code
     * and message, and the first of its details (such as the diagnostic that refused a rule).
     */
    public static String outcome(RuntimeException e) {
        if (!(e instanceof ApiException refused)) {
            return "failed: " + e.getMessage();
        }
        var out = new StringBuilder(refused.status() < 500 ? "refused (" : "failed (").append(refused.status()).append(' ')
                .append(refused.code()).append("): ").append(refused.getMessage());
        if (!refused.details().isEmpty() && refused.details().get(0) instanceof JsonNode first && first.has("message")) {
            out.append(": ");
            if (first.hasNonNull("file")) {
                out.append(first.get("file").asText()).append(':').append(first.path("line").asInt()).append(": ");
            }
            out.append(first.get("message").asText());
        }
        return out.toString();
    }

    /** "1 event", "2 events": a count for an entry's detail. */
    public static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static String clip(String text, int chars) {
        return text.length() <= chars ? text : text.substring(0, chars - 1) + "…";
    }

    private JsonNode answer(Context ctx) {
        try {
            var text = ctx.result();
            return text == null || text.isBlank() ? json.createObjectNode() : json.readTree(text);
        } catch (Exception e) {
            return json.createObjectNode();
        }
    }

    /** {@code GET /api/v1/audit?limit=&before=}: entries newest first; {@code next} is the {@code before} of the next page. */
    public void list(Context ctx) {
        int limit = ctx.queryParam("limit") == null ? 100 : Bodies.intParam(ctx.queryParam("limit"), "limit");
        if (limit < 1 || limit > 1_000) {
            throw ApiException.badRequest("limit must be between 1 and 1000, was " + limit);
        }
        long before = ctx.queryParam("before") == null ? 0 : Bodies.intParam(ctx.queryParam("before"), "before");
        var entries = store.list(limit, before);
        var out = json.createObjectNode();
        var list = out.putArray("entries");
        for (var e : entries) {
            list.addObject().put("seq", e.seq()).put("at", e.at().toString()).put("actor", e.actor()).put("action", e.action())
                    .put("target", e.target()).put("detail", e.detail());
        }
        out.put("next", entries.size() == limit ? Long.valueOf(entries.get(entries.size() - 1).seq()) : null);
        ctx.json(out);
    }

    /** {@code GET /api/v1/audit}, and an entry for every request that changes something. */
    public void addTo(RoutesConfig routes) {
        routes.get("/api/v1/audit", this::list, Scope.ADMIN);
        routes.after(this::record);
    }
}
