package dev.vigil.server.http;

import dev.vigil.engine.Engine;
import dev.vigil.kafka.KafkaTransport;
import dev.vigil.server.json.Views;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Locale;

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
    private volatile KafkaTransport kafka;
    private volatile Views views;

    public Readiness(Engine engine, boolean starting) {
        this.engine = engine;
        this.starting = starting;
    }

    public void addTo(RoutesConfig routes) {
        routes.get("/api/v1/health", this::health);
        routes.beforeMatched("/api/v1/events", this::refuseWhileStarting);
    }

    /** Health also tells the Kafka transport's state; a cluster that does not answer makes it degraded. */
    public void useKafka(KafkaTransport value, Views json) {
        views = json;
        kafka = value;
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
        var out = new LinkedHashMap<String, Object>();
        var transport = kafka;
        var kafkaStatus = transport == null ? null : transport.status();
        if (starting) {
            out.put("status", "starting");
        } else {
            boolean failed = ruleSets.stream().anyMatch(r -> "failed".equals(r.get("state")));
            boolean kafkaDown = kafkaStatus != null && (!kafkaStatus.connected()
                    || kafkaStatus.ruleSets().stream().anyMatch(r -> !"running".equals(r.state())));
            out.put("status", failed || kafkaDown ? "degraded" : "ok");
        }
        out.put("ruleSets", ruleSets);
        if (kafkaStatus != null) {
            out.put("kafka", views.kafka(kafkaStatus));
        }
        ctx.status(starting ? 503 : 200).json(out);
    }

    private void refuseWhileStarting(Context ctx) {
        if (starting) {
            ctx.header("Retry-After", STARTING_RETRY_AFTER);
            throw new ApiException(503, "starting", "the server is starting: the rule sets of its rules folder are being deployed,"
                    + " and no event is taken until they run; none of the events was accepted, retry after the seconds Retry-After gives");
        }
    }
}
