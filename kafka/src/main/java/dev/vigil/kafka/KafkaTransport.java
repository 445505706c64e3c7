package dev.vigil.kafka;

import dev.vigil.engine.Engine;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.RuleSetInfo;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vigil's Kafka transport, the entry point of the module: every running rule set whose settings
 * name a Kafka topic consumes it as the group {@code <prefix>.<rule set>}, and its alerts are
 * produced to the alerts topic in the transactions that commit its offsets; with
 * {@link KafkaConfig#everyRuleSet()}, the alerts of the other rule sets are produced too, once stored.
 *
 * <p>It follows the engine: once a second (and at {@link #refresh()}) it starts the consumers of
 * rule sets newly deployed with a topic, restarts those whose topic changed or whose rules were
 * fixed by a new version after a failure, and stops those undeployed. It looks at the cluster every
 * few seconds, for health: a broker that is away is retried with backoff, never a crash, and the
 * rule sets without a topic go on as before.
 */
public final class KafkaTransport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaTransport.class);
    private static final long RECONCILE_MILLIS = 1_000;
    private static final int PROBE_EVERY = 3;

    private final Engine engine;
    private final KafkaConfig config;
    private final AlertOutlet outlet;
    private final KafkaMetrics metrics;
    private final InstantSource clock;
    private final Map<String, RuleSetConsumer> consumers = new ConcurrentHashMap<>();
    private final AlertPublisher publisher;
    private final Admin admin;
    private final Semaphore wake = new Semaphore(0);
    private final Thread thread;
    private volatile boolean stopping;
    private volatile boolean connected;
    private volatile String problem = "not looked at yet";
    private volatile Instant since;

    /**
     * Starts following {@code engine}'s rule sets.
     *
     * @param clock the wall clock, for when the connection changed
     */
    public KafkaTransport(Engine engine, KafkaConfig config, AlertOutlet outlet, MeterRegistry registry, InstantSource clock) {
        this.engine = engine;
        this.config = config;
        this.outlet = outlet;
        this.clock = clock;
        this.since = clock.instant();
        this.metrics = new KafkaMetrics(registry);
        metrics.connected(() -> connected ? 1 : 0);
        this.publisher = config.everyRuleSet() ? new AlertPublisher(config, outlet, metrics) : null;
        var props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "vigil-health-" + config.instanceId());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
        this.admin = Admin.create(props);
        this.thread = new Thread(this::follow, "vigil-kafka");
        thread.setDaemon(true);
        thread.start();
    }

    public KafkaConfig config() {
        return config;
    }

    /** Looks at the engine's rule sets now rather than within a second: after a deploy or an undeploy. */
    public void refresh() {
        wake.release();
    }

    /**
     * Produces a stored alert of a rule set whose events are posted, when every rule set's alerts go
     * to Kafka; those of rule sets that consume a topic are produced by their consumers.
     */
    public void published(Alert alert) {
        if (publisher != null && !consumers.containsKey(alert.ruleSet())) {
            publisher.publish(alert);
        }
    }

    /** The transport as it stands. */
    public KafkaStatus status() {
        var ruleSets = new ArrayList<KafkaStatus.RuleSetStatus>();
        consumers.values().forEach(c -> ruleSets.add(c.status()));
        ruleSets.sort((a, b) -> a.ruleSet().compareTo(b.ruleSet()));
        return new KafkaStatus(config.bootstrap(), connected, connected ? null : problem, since, ruleSets);
    }

    /** The consumer of rule set {@code ruleSet}, when it consumes a topic. */
    public Optional<KafkaStatus.RuleSetStatus> status(String ruleSet) {
        return Optional.ofNullable(consumers.get(ruleSet)).map(RuleSetConsumer::status);
    }

    private void follow() {
        int pass = 0;
        while (!stopping) {
            try {
                if (pass++ % PROBE_EVERY == 0) {
                    probe();
                }
                reconcile();
                wake.tryAcquire(RECONCILE_MILLIS, TimeUnit.MILLISECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("following the rule sets for Kafka failed; trying again", e);
            }
        }
    }

    private void reconcile() {
        var wanted = new HashMap<String, RuleSetInfo>();
        for (var info : engine.ruleSets()) {
            if (info.running() && TopicSource.of(info.source().settings().source()) != null) {
                wanted.put(info.name(), info);
            }
        }
        for (var name : List.copyOf(consumers.keySet())) {
            var consumer = consumers.get(name);
            var info = wanted.get(name);
            boolean keep = info != null && consumer.source().equals(TopicSource.of(info.source().settings().source()))
                    && (!consumer.ended() || consumer.failed() && consumer.version() == info.version());
            if (!keep) {
                consumers.remove(name);
                consumer.close();
            }
        }
        wanted.forEach((name, info) -> consumers.computeIfAbsent(name, n -> {
            var source = TopicSource.of(info.source().settings().source());
            LOG.info("rule set '{}' consumes topic {} as group {}", name, source.topic(), config.group(name));
            var consumer = new RuleSetConsumer(engine, config, info, source, outlet, metrics);
            consumer.start();
            return consumer;
        }));
    }

    private void probe() throws InterruptedException {
        boolean now;
        String why = null;
        try {
            admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
            now = true;
        } catch (ExecutionException | TimeoutException e) {
            now = false;
            why = "the Kafka cluster at " + config.bootstrap() + " does not answer: "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getClass().getSimpleName());
        }
        if (now != connected) {
            since = clock.instant();
            if (now) {
                LOG.info("Kafka cluster at {} answers", config.bootstrap());
            } else {
                LOG.warn("{}; retrying", why);
            }
        }
        problem = why;
        connected = now;
    }

    /** Stops every consumer (each commits what it has done and leaves its group), then the publisher. */
    @Override
    public void close() {
        stopping = true;
        wake.release();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        var all = new ArrayList<>(consumers.values());
        consumers.clear();
        all.forEach(RuleSetConsumer::close);
        if (publisher != null) {
            publisher.close();
        }
        admin.close();
    }
}
