package dev.vigil.server.http;

import dev.vigil.engine.Engine;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /api/v1/health}, and the starting state: while the server deploys the rule sets of its
 * rules folder, health answers 503 {@code starting} (what a readiness probe waits for) and events are
 * refused with 503 and Retry-After rather than taken while the rule sets that want them are not running.
 */
public final class Readiness {
    /** Seconds a client is told to wait before posting events again while the server starts. */
    private static final String STARTING_RETRY_AFTER = "5";

    private final Engine engine;
    private volatile boolean starting;

    public Readiness(Engine engine, boolean starting) {
        this.engine = engine;
        this.starting = starting;
    }

    public void addTo(RoutesConfig routes) {
        routes.get("/api/v1/health", this::health);
        routes.beforeMatched("/api/v1/events", this::refuseWhileStarting);
    }

    /** Ends the starting state: health answers ok and events are taken. */
    public void ready() {
        starting = false;
    }

    private void health(Context ctx) {
        var ruleSets = engine.ruleSets().stream().map(ruleSet -> {
            var status = ruleSet.status();
            var out = new LinkedHashMap<String, Object>();
            out.put("name", ruleSet.name());
            out.put("version", ruleSet.version());
            out.put("state", status.state().name().toLowerCase(Locale.ROOT));
            if (status.reason() != null) {
                out.put("reason", status.reason());
            }
            return out;
        }).toList();
        if (starting) {
            ctx.status(503).json(Map.of("status", "starting", "ruleSets", ruleSets));
            return;
        }
        boolean failed = ruleSets.stream().anyMatch(r -> "failed".equals(r.get("state")));
        ctx.json(Map.of("status", failed ? "degraded" : "ok", "ruleSets", ruleSets));
    }

    private void refuseWhileStarting(Context ctx) {
        if (starting) {
            ctx.header("Retry-After", STARTING_RETRY_AFTER);
            throw new ApiException(503, "starting", "the server is starting: the rule sets of its rules folder are being deployed,"
                    + " and no event is taken until they run; none of the events was accepted, retry after the seconds Retry-After gives");
        }
    }
}
