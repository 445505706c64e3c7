package dev.vigil.server.metrics;

import dev.vigil.engine.Engine;
import dev.vigil.engine.api.Alert;
import dev.vigil.server.webhook.Webhooks;
import io.javalin.config.JavalinConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The server's metrics in Prometheus text format: events accepted, rejected and late, alerts per
 * rule, queue depth per rule set, request latency, and the JVM's own.
 */
public final class Metrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Engine engine;
    private final Set<String> bound = ConcurrentHashMap.newKeySet();
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Map<MeterKey, Meter> meters = new ConcurrentHashMap<>();
    private final Counter rejected;
    private final Timer alertDelay;
    private final Counter streamsDropped;
    private volatile AlertQueues alerts;

    public Metrics(Engine engine) {
        this.engine = engine;
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        this.rejected = Counter.builder("vigil.events.rejected").description("events refused as invalid").register(registry);
        this.alertDelay = Timer.builder("vigil.alerts.delay").description("from a rule raising an alert to the alert stored and streamed")
                .publishPercentileHistogram().maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
        this.streamsDropped = Counter.builder("vigil.alert.streams.dropped")
                .description("live alert streams closed because their client fell too far behind").register(registry);
    }

    /** The alert queues of the rule sets, read at each scrape. */
    public void alerts(AlertQueues value) {
        this.alerts = value;
    }

    /** A rule set failed (its rules looped, flooded, or outgrew a limit) and stopped. */
    public void ruleSetFailed(String ruleSet) {
        meter("failed", ruleSet, "", () -> Counter.builder("vigil.rulesets.failed")
                .description("rule sets that failed and stopped: looping, over their alert budget, stuck or too large")
                .tag("ruleset", ruleSet).register(registry)).increment();
    }

    /** A live alert stream was closed because its client fell too far behind. */
    public void streamDropped() {
        streamsDropped.increment();
    }

    public void accepted(String ruleSet, int events) {
        meter("accepted", ruleSet, "", () -> Counter.builder("vigil.events.accepted").description("events queued for a rule set")
                .tag("ruleset", ruleSet).register(registry)).increment(events);
    }

    public void rejected(int events) {
        rejected.increment(events);
    }

    public void alert(Alert alert) {
        meter("alerts", alert.ruleSet(), alert.rule(), () -> Counter.builder("vigil.alerts").description("alerts raised")
                .tag("ruleset", alert.ruleSet()).tag("rule", alert.rule()).register(registry)).increment();
    }

    /** A submission processed by a rule set: how long from acceptance to processed, and how long the rules took. */
    public void processed(String ruleSet, int events, long waitedNanos, long processingNanos) {
        this.<Timer>meter("latency", ruleSet, "", () -> Timer.builder("vigil.ingestion.latency")
                        .description("from an event's acceptance to its processing by the rules")
                        .tag("ruleset", ruleSet).publishPercentileHistogram().maximumExpectedValue(Duration.ofSeconds(30)).register(registry))
                .record(waitedNanos + processingNanos, TimeUnit.NANOSECONDS);
        this.<Timer>meter("processing", ruleSet, "", () -> Timer.builder("vigil.rules.processing")
                        .description("inserting a submission's events and firing the rules").tag("ruleset", ruleSet).register(registry))
                .record(processingNanos, TimeUnit.NANOSECONDS);
    }

    /** The webhook outbox's size, read at each scrape. */
    public void webhooks(Webhooks webhooks) {
        io.micrometer.core.instrument.Gauge.builder("vigil.webhook.pending", webhooks, w -> w.pending())
                .description("webhook deliveries waiting to be sent or retried").register(registry);
    }

    /** A webhook delivery attempt and how it went: delivered, retry or failed. */
    public void webhookDelivery(String outcome) {
        meter("webhook", outcome, "", () -> Counter.builder("vigil.webhook.deliveries").description("webhook delivery attempts by outcome")
                .tag("outcome", outcome).register(registry)).increment();
    }

    /** A configuration file ({@code tokens}, {@code tls}) read again after it changed: applied, or refused and the one in use kept. */
    public void reload(String file, boolean applied) {
        meter("reload", file, applied, () -> Counter.builder("vigil.reloads")
                .description("configuration files read again after they changed, by outcome (refused: the one in use stays)")
                .tag("file", file).tag("outcome", applied ? "applied" : "refused").register(registry)).increment();
    }

    /** An alert stored and about to be streamed, {@code nanos} after its rule raised it. */
    public void alertStored(long nanos) {
        alertDelay.record(nanos, TimeUnit.NANOSECONDS);
    }

    public Timer requests(String method, String route, int status) {
        return meter("requests", method + ' ' + route, status, () -> Timer.builder("vigil.http.requests").description("HTTP requests")
                .tag("method", method).tag("route", route).tag("status", Integer.toString(status))
                .publishPercentileHistogram().maximumExpectedValue(Duration.ofSeconds(10)).register(registry));
    }

    /**
     * The meter of a kind for a subject and a detail, registered on first use: registering looks the meter
     * up by its full id, which costs more than the increment itself on a request path.
     */
    @SuppressWarnings("unchecked")
    private <M extends Meter> M meter(String kind, String subject, Object detail, Supplier<M> register) {
        return (M) meters.computeIfAbsent(new MeterKey(kind, subject, detail), k -> register.get());
    }

    private record MeterKey(String kind, String subject, Object detail) {
    }

    /** The Prometheus text, with the gauges of rule sets deployed since the last scrape bound first. */
    /** Where other parts of the server (the Kafka transport) register their meters. */
    public MeterRegistry registry() {
        return registry;
    }

    public String scrape() {
        for (var live : engine.ruleSets()) {
            var name = live.name();
            if (bound.add(name)) {
                Gauge.builder("vigil.queue.depth", engine, e -> e.ruleSet(name).map(r -> r.stats().queued()).orElse(0))
                        .description("events waiting in a rule set's queue").tag("ruleset", name).register(registry);
                FunctionCounter.builder("vigil.events.late", engine, e -> e.ruleSet(name).map(r -> r.stats().lateEvents()).orElse(0L))
                        .description("events that arrived behind the watermark").tag("ruleset", name).register(registry);
                FunctionCounter.builder("vigil.events.processed", engine,
                                e -> e.ruleSet(name).map(r -> r.stats().eventsProcessed()).orElse(0L))
                        .description("events a rule set's session took").tag("ruleset", name).register(registry);
                Gauge.builder("vigil.facts", engine, e -> e.ruleSet(name).map(r -> r.stats().factCount()).orElse(0L))
                        .description("facts in a rule set's working memory").tag("ruleset", name).register(registry);
                Gauge.builder("vigil.alerts.remembered", engine, e -> e.ruleSet(name).map(r -> r.stats().remembered()).orElse(0))
                        .description("alert ids and matches a rule set remembers to drop repeated alerts").tag("ruleset", name)
                        .register(registry);
                FunctionCounter.builder("vigil.alerts.over.budget", engine,
                                e -> e.ruleSet(name).map(r -> r.stats().alertsOverBudget()).orElse(0L))
                        .description("alerts a rule set raised past its alert budget, which were refused and failed it")
                        .tag("ruleset", name).register(registry);
                bindAlertQueue(name);
            }
        }
        return registry.scrape();
    }

    private void bindAlertQueue(String name) {
        var pipeline = alerts;
        if (pipeline == null) {
            return;
        }
        Gauge.builder("vigil.alerts.queued", pipeline, p -> p.queued(name))
                .description("alerts a rule set raised that wait to be stored").tag("ruleset", name).register(registry);
        FunctionCounter.builder("vigil.alerts.backpressure", pipeline, p -> p.waitedNanos(name) / 1e9).baseUnit("seconds")
                .description("time a rule set's worker waited for room in its full alert queue").tag("ruleset", name)
                .register(registry);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    /** Serves {@code GET /metrics} in the Prometheus text format, and times every request by method, route and status. */
    public void serve(JavalinConfig cfg) {
        cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(scrape()));
        // Javalin times every request itself; the logger hook hands that time over once it is written.
        cfg.requestLogger.http((ctx, millis) -> {
            var matched = ctx.endpoints().lastHttpEndpoint();
            requests(ctx.method().name(), matched == null ? "unmatched" : matched.path, ctx.statusCode())
                    .record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS);
        });
    }
}
