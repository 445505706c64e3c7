package dev.vigil.server;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.engine.Engine;
import dev.vigil.engine.api.EngineConfig;
import dev.vigil.server.alert.AlertPipeline;
import dev.vigil.server.auth.Scope;
import dev.vigil.server.auth.Tokens;
import dev.vigil.server.http.AlertRoutes;
import dev.vigil.server.http.ApiException;
import dev.vigil.server.http.AuditRoutes;
import dev.vigil.server.http.Bodies;
import dev.vigil.server.http.MethodOverrideHeaders;
import dev.vigil.server.http.RateLimiter;
import dev.vigil.server.http.RuleSetRoutes;
import dev.vigil.server.http.SlowClientHandler;
import dev.vigil.server.http.Tls;
import dev.vigil.server.http.WebhookRoutes;
import dev.vigil.server.ingest.EventRoutes;
import dev.vigil.server.ingest.Journal;
import dev.vigil.server.ingest.JournalReplay;
import dev.vigil.server.json.Views;
import dev.vigil.server.metrics.Metrics;
import dev.vigil.server.replay.ReplayRoutes;
import dev.vigil.server.rules.FileWatch;
import dev.vigil.server.store.AlertStore;
import dev.vigil.server.store.AuditStore;
import dev.vigil.server.store.DataFolder;
import dev.vigil.server.store.Database;
import dev.vigil.server.store.JournalStore;
import dev.vigil.server.store.RuleSetStore;
import dev.vigil.server.store.SecretCipher;
import dev.vigil.server.store.TokenStore;
import dev.vigil.server.store.WebhookStore;
import dev.vigil.server.webhook.Payloads;
import dev.vigil.server.webhook.Webhooks;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vigil's HTTP server: the engine behind the API, rule set versions and alerts in H2, bearer tokens.
 * The entry point of the module.
 */
public final class VigilServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VigilServer.class);
    /** Seconds a client is told to wait before posting events again while the server starts. */
    private static final String STARTING_RETRY_AFTER = "5";
    /** How long a stop lets the rule sets work through their queues: what is left is run from the journal at the next start. */
    private static final Duration STOP_RULES = Duration.ofSeconds(2);
    /** How long a stop (from its start) lets the alerts raised be stored: what is left is raised again from the journal. */
    private static final Duration STOP_ALERTS = Duration.ofSeconds(4);
    /**
     * What the editor's pages may load: only this origin. CodeMirror and the chart set styles
     * inline, hence 'unsafe-inline' for styles (never for scripts).
     */
    private static final String UI_CONTENT_POLICY = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
            + " frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private final Database database;
    private final ObjectMapper json;
    private final AuditRoutes audit;
    private final AlertPipeline alerts;
    private final Engine engine;
    private final Javalin app;
    private final Optional<String> generatedToken;
    private final RuleSetRoutes ruleSets;
    private final Metrics metrics;
    private final Journal journal;
    private final ReplayRoutes replays;
    private final Webhooks webhooks;
    private final FileWatch fileWatch = new FileWatch();
    /** Until {@link #ready()}: health answers 503 "starting" and events are refused with 503 and Retry-After. */
    private volatile boolean starting;

    private VigilServer(ServerConfig config) {
        // Decimals stay exact for BigDecimal fields, and are written as plain numbers; "{...} junk" is not JSON.
        var json = this.json = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(com.fasterxml.jackson.core.JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
        // The files an operator hands over are checked before anything opens, so that a bad one stops the start cleanly.
        var access = config.access();
        var tls = access.tls() ? new Tls(access.tlsCert(), access.tlsKey()) : null;
        if (access.tokensFile() != null) {
            Tokens.check(access.tokensFile());
        }
        DataFolder.secure(config.dataDirectory());
        this.database = Database.open(config.dataDirectory());
        var ruleSetStore = new RuleSetStore(database, json);
        var alertStore = new AlertStore(database, json);
        this.webhooks = new Webhooks(webhookStore(database, json, config), alertStore, new Payloads(json), config.clock(), config.webhooks());
        this.alerts = new AlertPipeline(alertStore, webhooks.outbox());
        this.engine = Engine.create(EngineConfig.defaults().withClock(config.clock()).withListener(alerts).withTick(config.tick())
                .withAllowUnsafeRules(config.rules().allowUnsafeRules()).withRuleTimeout(config.rules().ruleTimeout())
                .withMaxFacts(config.rules().maxFacts()).withAlertBudget(config.rules().alertBudget())
                .withEventTimes(config.input().eventTimes()));
        this.metrics = new Metrics(engine);
        alerts.useMetrics(metrics);
        metrics.alerts(alerts);
        alerts.onFailures((ruleSet, version, reason) -> ruleSetStore.markFailed(ruleSet, version, reason, config.clock().instant()));
        alerts.subscribe(metrics::alert);
        alerts.subscribe(alert -> webhooks.wake());
        webhooks.useOutcomes(metrics::webhookDelivery);
        metrics.webhooks(webhooks);
        var webhookRoutes = new WebhookRoutes(webhooks, json);
        var loaded = Tokens.load(config.adminToken(), config.dataDirectory(), new TokenStore(database));
        this.generatedToken = loaded.generated();
        var tokens = loaded.tokens();
        if (access.tokensFile() != null) {
            useTokensFile(tokens, access);
        }
        if (tls != null) {
            fileWatch.watch(tls.files(), access.reloadEvery(), () -> metrics.reload("tls", tls.reload()));
        }
        this.audit = new AuditRoutes(new AuditStore(database), json, config.clock());
        var audit = this.audit;
        var ruleSets = new RuleSetRoutes(engine, ruleSetStore, json, config.clock(), config.input(), audit);
        this.ruleSets = ruleSets;
        this.journal = config.journal().isZero() ? null
                : new Journal(new JournalStore(database), config.clock(), config.journal(), config.journalSync());
        var events = new EventRoutes(engine, json, metrics, journal, config.maxBodyBytes(), config.input());
        this.replays = new ReplayRoutes(engine, ruleSetStore, config.journal().isZero() ? null : new JournalStore(database), json,
                config.dataDirectory().resolve("replays"), config.replayJobBytes(), config.replayJobEvents(),
                config.rules().allowUnsafeRules(), config.clock(), audit);
        var alertRoutes = new AlertRoutes(alertStore, alerts, json, config.clock());
        alertRoutes.onOverflow(metrics::streamDropped);
        var views = new Views(json);
        ruleSets.restoreActive();
        this.app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.host = config.bind();
            cfg.jetty.port = config.port();
            cfg.http.maxRequestSize = config.maxBodyBytes();
            // A request that sends or takes nothing for this long is given up: a slow or stalled
            // client does not hold a thread for ever.
            cfg.jetty.modifyHttpConfiguration(http -> {
                http.setIdleTimeout(config.input().requestTimeout().toMillis());
                // A request is the method of its request line: X-HTTP-Method-Override and the like are dropped on arrival.
                http.addCustomizer(new MethodOverrideHeaders());
            });
            // Bodies are read before a thread takes the request, and a body slower than the minimum rate is cut off:
            // clients that trickle their bodies hold no thread, and health and the other routes keep answering.
            var rate = config.input().minRequestRate();
            cfg.jetty.modifyServer(server -> server.setHandler(new SlowClientHandler(rate.bytesPerSecond(), rate.window())));
            if (tls != null) {
                cfg.jetty.addConnector((server, http) -> tls.connector(server, http, config.bind(), config.port()));
            }
            // Javalin copies each response through a buffer of this size, allocated per request: most
            // answers here are a few hundred bytes, and 32 KB (the default) per request was most of
            // the garbage an event post made.
            cfg.http.responseBufferSize = 8192;
            cfg.jsonMapper(new JavalinJackson(json, false));
            var limiter = config.input().requestsPerSecond() == 0 ? null : new RateLimiter(config.input().requestsPerSecond());
            cfg.routes.beforeMatched(ctx -> authorize(ctx, tokens, ctx.routeRoles(), limiter));
            cfg.routes.get("/api/v1/health", this::health);
            // The rule editor (module rule-editor-ui) at /: static files of the same origin as the API.
            cfg.staticFiles.add(ui -> {
                ui.hostedPath = "/";
                ui.directory = "/vigil-ui";
                ui.location = Location.CLASSPATH;
                // A path of the API is never a file: its 404s skip looking in the jar, which serialises
                // on the zip file system and answered unknown API paths at a seventh of the rate of known ones.
                ui.skipFileFunction = request -> request.getRequestURI().startsWith("/api/");
                ui.headers = Map.of("Cache-Control", "no-cache", "X-Content-Type-Options", "nosniff",
                        "Content-Security-Policy", UI_CONTENT_POLICY);
            });
            cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
            // Javalin times every request itself; the logger hook hands that time over once it is written.
            cfg.requestLogger.http((ctx, millis) -> {
                var matched = ctx.endpoints().lastHttpEndpoint();
                metrics.requests(ctx.method().name(), matched == null ? "unmatched" : matched.path, ctx.statusCode())
                        .record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS);
            });
            cfg.routes.get("/api/v1/rulesets", ruleSets::list, Scope.RULES_READ);
            cfg.routes.put("/api/v1/rulesets/{name}", ruleSets::deploy, Scope.RULES_WRITE);
            cfg.routes.get("/api/v1/rulesets/{name}", ruleSets::get, Scope.RULES_READ);
            cfg.routes.delete("/api/v1/rulesets/{name}", ruleSets::undeploy, Scope.RULES_WRITE);
            cfg.routes.post("/api/v1/rulesets/{name}/validate", ruleSets::validate, Scope.RULES_WRITE);
            cfg.routes.get("/api/v1/rulesets/{name}/versions", ruleSets::versions, Scope.RULES_READ);
            cfg.routes.get("/api/v1/rulesets/{name}/versions/{version}", ruleSets::version, Scope.RULES_READ);
            cfg.routes.post("/api/v1/rulesets/{name}/rollback", ruleSets::rollback, Scope.RULES_WRITE);
            cfg.routes.post("/api/v1/rulesets/{name}/tests", ruleSets::test, Scope.RULES_READ);
            cfg.routes.get("/api/v1/event-types", ctx -> {
                var out = json.createArrayNode();
                engine.eventTypes().forEach((ruleSet, types) -> types.forEach(t -> out.add(views.eventType(t).put("ruleSet", ruleSet))));
                ctx.json(out);
            }, Scope.RULES_READ);
            cfg.routes.post("/api/v1/events", events::post, Scope.EVENTS_WRITE);
            cfg.routes.beforeMatched("/api/v1/events", this::refuseWhileStarting);
            cfg.routes.post("/api/v1/replays", replays::start, Scope.RULES_READ);
            cfg.routes.get("/api/v1/replays/{id}", replays::get, Scope.RULES_READ);
            cfg.routes.get("/api/v1/tokens/self", ctx -> {
                var grant = authenticate(ctx, tokens, bearer(ctx));
                ctx.json(Map.of("name", grant.name(), "scopes", grant.scopes().stream().map(Scope::label).sorted().toList()));
            });
            cfg.routes.get("/api/v1/audit", ctx -> audit.list(ctx), Scope.ADMIN);
            cfg.routes.after(audit::record);
            cfg.routes.post("/api/v1/tokens/admin/rotate", ctx -> ctx.json(Map.of("name", "admin", "token", tokens.rotateAdmin()
                    .orElseThrow(() -> new ApiException(409, "admin_token_configured", "the admin token is set by VIGIL_ADMIN_TOKEN:"
                            + " change it there and restart")))), Scope.ADMIN);
            cfg.routes.post("/api/v1/tokens", ctx -> issueToken(ctx, tokens, json, config), Scope.ADMIN);
            cfg.routes.get("/api/v1/tokens", ctx -> ctx.json(tokens.list().stream().map(t -> {
                var out = new LinkedHashMap<String, Object>();
                out.put("name", t.name());
                out.put("scopes", t.scopes().stream().map(Scope::label).sorted().toList());
                out.put("source", t.source());
                return out;
            }).toList()), Scope.ADMIN);
            cfg.routes.delete("/api/v1/tokens/{name}", ctx -> {
                if (tokens.isFromFile(ctx.pathParam("name"))) {
                    throw new ApiException(409, "token_in_file", "the token '" + ctx.pathParam("name")
                            + "' comes from the tokens file: remove it there");
                }
                if (!tokens.revoke(ctx.pathParam("name"))) {
                    throw ApiException.notFound("no token named '" + ctx.pathParam("name") + "'");
                }
                ctx.status(204);
            }, Scope.ADMIN);
            cfg.routes.post("/api/v1/webhooks", webhookRoutes::create, Scope.WEBHOOKS_WRITE);
            cfg.routes.get("/api/v1/webhooks", webhookRoutes::list, Scope.WEBHOOKS_WRITE);
            cfg.routes.get("/api/v1/webhooks/{id}", webhookRoutes::get, Scope.WEBHOOKS_WRITE);
            cfg.routes.delete("/api/v1/webhooks/{id}", webhookRoutes::delete, Scope.WEBHOOKS_WRITE);
            cfg.routes.post("/api/v1/webhooks/{id}/test", webhookRoutes::test, Scope.WEBHOOKS_WRITE);
            cfg.routes.get("/api/v1/webhooks/{id}/deliveries", webhookRoutes::deliveries, Scope.WEBHOOKS_WRITE);
            cfg.routes.post("/api/v1/webhooks/{id}/deliveries/{alertId}/retry", webhookRoutes::retry, Scope.WEBHOOKS_WRITE);
            cfg.routes.get("/api/v1/alerts", alertRoutes::list, Scope.ALERTS_READ);
            cfg.routes.before("/api/v1/alerts/stream", ctx -> {
                authorize(ctx, tokens, Set.of(Scope.ALERTS_READ), limiter);
                if (alertRoutes.streams() >= config.input().streamClients()) {
                    ctx.header("Retry-After", "5");
                    throw new ApiException(503, "too_many_streams", alertRoutes.streams() + " live alert streams are open, the most this"
                            + " server takes (--max-streams); retry later, or read GET /api/v1/alerts");
                }
            });
            cfg.routes.sse("/api/v1/alerts/stream", alertRoutes::stream);
            cfg.routes.get("/api/v1/alerts/{id}", alertRoutes::get, Scope.ALERTS_READ);
            cfg.routes.post("/api/v1/alerts/{id}/ack", alertRoutes::ack, Scope.ALERTS_READ);
            cfg.routes.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.code(), e.getMessage(), e.details()));
            cfg.routes.exception(HttpResponseException.class, (e, ctx) -> {
                var refused = e.getStatus() == 413 ? Bodies.tooLarge(config.maxBodyBytes())
                        : new ApiException(e.getStatus(), "http_" + e.getStatus(), e.getMessage());
                error(ctx, refused.status(), refused.code(), refused.getMessage(), List.of());
            });
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                error(ctx, 500, "internal_error", "the server failed to handle the request: " + e.getMessage(), List.of());
            });
        });
    }

    /**
     * The webhook subscriptions, their secrets encrypted with the key of the data folder or of
     * VIGIL_SECRET_KEY; those an older version stored in plain text are encrypted now. A key that
     * does not decrypt the stored secrets stops the start (and closes the database) rather than sign
     * with garbage.
     */
    private static WebhookStore webhookStore(Database database, ObjectMapper json, ServerConfig config) {
        try {
            var secrets = SecretCipher.load(config.dataDirectory(), config.access().secretKey(), WebhookStore.holdsEncryptedSecrets(database));
            var store = new WebhookStore(database, json, secrets);
            int encrypted = store.encryptPlainSecrets();
            if (encrypted > 0) {
                LOG.info("encrypted {} webhook secrets that were stored in plain text", encrypted);
            }
            return store;
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** Takes the tokens file now (a bad one stops the start) and again whenever it changes (a bad one then keeps the tokens in use). */
    private void useTokensFile(Tokens tokens, ServerConfig.Access access) {
        var file = access.tokensFile();
        LOG.info("tokens file {}: {} tokens", file, tokens.useFile(file));
        fileWatch.watch(List.of(file), access.reloadEvery(), () -> {
            try {
                var before = fileTokens(tokens);
                LOG.info("tokens file {} reloaded: {} tokens", file, tokens.useFile(file));
                metrics.reload("tokens", true);
                audit.record("tokens file", "reload", file.getFileName().toString(), changes(before, fileTokens(tokens)));
            } catch (IllegalArgumentException e) {
                LOG.error("tokens file not reloaded, the tokens in use stay: {}", e.getMessage());
                metrics.reload("tokens", false);
            }
        });
    }

    private static Map<String, Set<Scope>> fileTokens(Tokens tokens) {
        var out = new TreeMap<String, Set<Scope>>();
        tokens.list().stream().filter(t -> t.source().equals("file")).forEach(t -> out.put(t.name(), t.scopes()));
        return out;
    }

    /** "added a; removed b; scopes changed c": what a reload of the tokens file did, for the audit log. */
    private static String changes(Map<String, Set<Scope>> before, Map<String, Set<Scope>> after) {
        var parts = new ArrayList<String>();
        var added = after.keySet().stream().filter(n -> !before.containsKey(n)).toList();
        var removed = before.keySet().stream().filter(n -> !after.containsKey(n)).toList();
        var changed = after.keySet().stream().filter(n -> before.containsKey(n) && !before.get(n).equals(after.get(n))).toList();
        if (!added.isEmpty()) {
            parts.add("added " + String.join(", ", added));
        }
        if (!removed.isEmpty()) {
            parts.add("removed " + String.join(", ", removed));
        }
        if (!changed.isEmpty()) {
            parts.add("scopes changed " + String.join(", ", changed));
        }
        return parts.isEmpty() ? "no token changed" : String.join("; ", parts);
    }

    /** Opens the database, deploys the rule sets that were active, and starts listening, ready for events. */
    public static VigilServer start(ServerConfig config) {
        return start(config, false);
    }

    /**
     * As {@link #start}, for a caller that deploys more rule sets (the rules folder) before events
     * should come in: until {@link #ready()}, health answers 503 with the state {@code starting}
     * (what a readiness probe or a load balancer waits for) and events are refused with 503 and
     * {@code Retry-After} rather than taken while the rule sets that want them are not running.
     * Other routes answer as usual.
     */
    public static VigilServer startNotReady(ServerConfig config) {
        return start(config, true);
    }

    private static VigilServer start(ServerConfig config, boolean notReady) {
        var server = new VigilServer(config);
        server.starting = notReady;
        try {
            if (server.journal != null) {
                JournalReplay.run(server.engine, new JournalStore(server.database), config.journal());
            }
            server.app.start();
        } catch (RuntimeException e) {
            server.close();
            throw new IllegalStateException("cannot listen on " + config.bind() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        return server;
    }

    /** Ends the starting state of {@link #startNotReady}: health answers ok and events are taken. */
    public void ready() {
        starting = false;
    }

    /** The port the server listens on (the one picked when the configuration asked for 0). */
    public int port() {
        return app.port();
    }

    /** The admin token when this start generated it: to print once. */
    public Optional<String> generatedAdminToken() {
        return generatedToken;
    }

    public Engine engine() {
        return engine;
    }

    public RuleSetRoutes ruleSets() {
        return ruleSets;
    }

    public AuditRoutes audit() {
        return audit;
    }

    private void health(Context ctx) {
        var ruleSets = engine.ruleSets().stream().map(live -> {
            var status = live.status();
            var out = new LinkedHashMap<String, Object>();
            out.put("name", live.name());
            out.put("version", live.stats().version());
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

    private static void issueToken(Context ctx, Tokens tokens, ObjectMapper json, ServerConfig config) {
        var body = Bodies.object(ctx, json);
        var name = body.path("name").asText("");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")) {
            throw ApiException.badRequest("name must be 1-128 letters, digits, '.', '_' or '-'");
        }
        var labels = new ArrayList<String>();
        body.path("scopes").forEach(s -> labels.add(s.asText()));
        Set<Scope> scopes;
        try {
            scopes = Tokens.parse(labels);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (scopes.isEmpty()) {
            throw ApiException.badRequest("give the token at least one scope: {\"name\": \"...\", \"scopes\": [\"events:write\"]}");
        }
        var token = tokens.issue(name, scopes, config.clock().instant())
                .orElseThrow(() -> new ApiException(409, "conflict", "a token named '" + name + "' exists; revoke it first"));
        ctx.status(201).json(Map.of("name", name, "token", token, "scopes", scopes.stream().map(Scope::label).sorted().toList()));
    }

    private static void authorize(Context ctx, Tokens tokens, Set<? extends io.javalin.security.RouteRole> required,
                                  RateLimiter limiter) {
        if (required.isEmpty()) {
            return;
        }
        var grant = authenticate(ctx, tokens, bearer(ctx));
        if (limiter != null) {
            long wait = limiter.take(grant.name());
            if (wait > 0) {
                ctx.header("Retry-After", Long.toString(Math.max(1, (wait + 999) / 1000)));
                throw new ApiException(429, "rate_limited", "token '" + grant.name() + "' made more than " + limiter.perSecond()
                        + " requests a second (--rate-limit); retry after the seconds Retry-After gives");
            }
        }
        for (var role : required) {
            if (!grant.scopes().contains(role)) {
                throw new ApiException(403, "forbidden", "the token lacks the scope " + ((Scope) role).label());
            }
        }
    }

    private static String bearer(Context ctx) {
        var header = ctx.header("Authorization");
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    }

    /** The token {@code bearer}, its scopes and name kept on the request; 401 when it is not one. */
    private static Tokens.Grant authenticate(Context ctx, Tokens tokens, String bearer) {
        var grant = tokens.grantOf(bearer).orElseThrow(() -> {
            ctx.header("WWW-Authenticate", "Bearer");
            return new ApiException(401, "unauthorized", bearer == null
                    ? "send a token: Authorization: Bearer <token>" : "the token is not valid");
        });
        ctx.attribute(Tokens.GRANTED_SCOPES, grant.scopes());
        ctx.attribute(Tokens.ACTOR, grant.name());
        return grant;
    }

    private static void error(Context ctx, int status, String code, String message, List<?> details) {
        var body = new LinkedHashMap<String, Object>();
        body.put("error", code);
        body.put("message", message);
        body.put("details", details);
        ctx.status(status).json(body);
    }

    /**
     * Stops taking requests, stops the rule sets, stores the alerts still queued, closes the
     * database; within a few seconds, whatever is queued. Events a rule set did not get to and
     * alerts not stored by then are not lost: they are in the journal, and the recovery at the next
     * start runs them, as after a crash.
     */
    @Override
    public void close() {
        long started = System.nanoTime();
        fileWatch.close();
        app.stop();
        replays.close();
        engine.close(STOP_RULES);
        alerts.close(started + STOP_ALERTS.toNanos());
        webhooks.close();
        if (journal != null) {
            journal.close();
        }
        metrics.close();
        database.close();
    }
}
