package dev.vigil.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.engine.Engine;
import dev.vigil.engine.api.EngineConfig;
import dev.vigil.kafka.KafkaTransport;
import dev.vigil.server.alert.AlertPipeline;
import dev.vigil.server.alert.KafkaAlerts;
import dev.vigil.server.auth.Tokens;
import dev.vigil.server.http.AlertRoutes;
import dev.vigil.server.http.AuditRoutes;
import dev.vigil.server.http.Authorization;
import dev.vigil.server.http.Errors;
import dev.vigil.server.http.Jetty;
import dev.vigil.server.http.Readiness;
import dev.vigil.server.http.RuleSetRoutes;
import dev.vigil.server.http.Tls;
import dev.vigil.server.http.TokenRoutes;
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
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vigil's HTTP server: the engine behind the API, rule set versions and alerts in H2, bearer tokens.
 * The entry point of the module.
 */
public final class VigilServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VigilServer.class);
    /** How long a stop lets the rule sets work through their queues: what is left is run from the journal at the next start. */
    private static final Duration STOP_RULES = Duration.ofSeconds(2);
    /** How long a stop (from its start) lets the alerts raised be stored: what is left is raised again from the journal. */
    private static final Duration STOP_ALERTS = Duration.ofSeconds(4);

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
    /** Rule sets that consume Kafka topics, and alerts to Kafka; null when the server has no Kafka. */
    private final KafkaTransport kafka;
    /** Until {@link #ready()}: health answers 503 "starting" and events are refused with 503 and Retry-After. */
    private final Readiness readiness;

    private VigilServer(ServerConfig config, boolean starting) {
        // Decimals stay exact for BigDecimal fields, and are written as plain numbers; "{...} junk" is not JSON.
        var json = this.json = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
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
        var loaded = Tokens.load(config.adminToken(), config.dataDirectory(), new TokenStore(database));
        this.generatedToken = loaded.generated();
        var tokens = loaded.tokens();
        this.audit = new AuditRoutes(new AuditStore(database), json, config.clock());
        if (access.tokensFile() != null) {
            useTokensFile(tokens, access);
        }
        if (tls != null) {
            fileWatch.watch(tls.files(), access.reloadEvery(), () -> metrics.reload("tls", tls.reload()));
        }
        this.ruleSets = new RuleSetRoutes(engine, ruleSetStore, json, config.clock(), config.input(), audit);
        this.journal = config.journal().isZero() ? null
                : new Journal(new JournalStore(database), config.clock(), config.journal(), config.journalSync());
        var events = new EventRoutes(engine, json, metrics, journal, config.maxBodyBytes(), config.input());
        this.replays = new ReplayRoutes(engine, ruleSetStore, config.journal().isZero() ? null : new JournalStore(database), json,
                config.dataDirectory().resolve("replays"), config.replayJobBytes(), config.replayJobEvents(),
                config.input().replaySortMemory(), config.clock(), audit);
        var alertRoutes = new AlertRoutes(alertStore, alerts, json, config.clock());
        alertRoutes.onOverflow(metrics::streamDropped);
        var authorization = new Authorization(tokens, config.input().requestsPerSecond());
        var tokenRoutes = new TokenRoutes(tokens, authorization, json, config.clock());
        var webhookRoutes = new WebhookRoutes(webhooks, json);
        this.readiness = new Readiness(engine, starting);
        ruleSets.restoreActive();
        this.kafka = config.kafka() == null ? null : kafka(config, metrics);
        if (kafka != null) {
            readiness.useKafka(kafka, new Views(json));
            ruleSets.useKafka(kafka);
            if (kafka.config().everyRuleSet()) {
                alerts.subscribe(kafka::published);
            }
        }
        this.app = Javalin.create(cfg -> {
            Jetty.configure(cfg, json, config.bind(), config.port(), config.maxBodyBytes(), config.input().requestTimeout(),
                    config.input().minRequestRate(), tls);
            authorization.addTo(cfg.routes);
            readiness.addTo(cfg.routes);
            Jetty.serveEditor(cfg);
            metrics.serve(cfg);
            ruleSets.addTo(cfg.routes);
            events.addTo(cfg.routes);
            replays.addTo(cfg.routes);
            tokenRoutes.addTo(cfg.routes);
            audit.addTo(cfg.routes);
            webhookRoutes.addTo(cfg.routes);
            alertRoutes.addTo(cfg.routes, authorization, config.input().streamClients());
            Errors.addTo(cfg.routes, config.maxBodyBytes());
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

    /** The Kafka transport, its instance id the one kept in the data folder unless the configuration gives one. */
    private KafkaTransport kafka(ServerConfig config, Metrics metrics) {
        var kafkaConfig = config.kafka();
        if (kafkaConfig.instanceId().isEmpty()) {
            kafkaConfig = kafkaConfig.withInstanceId(DataFolder.instanceId(config.dataDirectory()));
        }
        LOG.info("Kafka at {}: instance {}, alerts to {}", kafkaConfig.bootstrap(), kafkaConfig.instanceId(), kafkaConfig.alertsTopic());
        return new KafkaTransport(engine, kafkaConfig, new KafkaAlerts(alerts, json), metrics.registry(), config.clock());
    }

    /** The Kafka transport, when the server has one. */
    public Optional<KafkaTransport> kafka() {
        return Optional.ofNullable(kafka);
    }

    /** Takes the tokens file now (a bad one stops the start) and again whenever it changes (a bad one then keeps the tokens in use). */
    private void useTokensFile(Tokens tokens, ServerConfig.Access access) {
        var file = access.tokensFile();
        LOG.info("tokens file {}: {} tokens", file, tokens.useFile(file));
        fileWatch.watch(List.of(file), access.reloadEvery(), () -> {
            try {
                var before = tokens.fromFile();
                LOG.info("tokens file {} reloaded: {} tokens", file, tokens.useFile(file));
                metrics.reload("tokens", true);
                audit.record("tokens file", "reload", file.getFileName().toString(), Tokens.changes(before, tokens.fromFile()));
            } catch (IllegalArgumentException e) {
                LOG.error("tokens file not reloaded, the tokens in use stay: {}", e.getMessage());
                metrics.reload("tokens", false);
            }
        });
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
        var server = new VigilServer(config, notReady);
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
        readiness.ready();
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
        ruleSets.close();
        if (kafka != null) {
            // Each consumer commits what it has done and leaves its group: its partitions go to the other instances at once.
            kafka.close();
        }
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
