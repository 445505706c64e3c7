package dev.vigil.server.webhook;

import dev.vigil.engine.alert.Alert;
import dev.vigil.engine.alert.Severity;
import dev.vigil.server.store.AlertStore;
import dev.vigil.server.store.WebhookStore;
import dev.vigil.server.store.WebhookStore.Delivery;
import dev.vigil.server.store.WebhookStore.Subscription;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhook delivery: the subscriptions (cached, so that matching an alert costs nothing when there
 * are none), the outbox rows written with each stored alert, and a dispatcher that sends from the
 * outbox on a bounded pool, one delivery at a time per subscription so that each receives its
 * alerts in the order they fired, retrying with backoff until a delivery is too old.
 *
 * <p>The outbox survives restarts: what was pending is sent after a restart, what was delivered
 * is not sent again. A slow or dead receiver holds up only its own subscription.
 */
public final class Webhooks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);

    /**
     * How deliveries are made.
     *
     * @param timeout     how long one request may take
     * @param backoff     the wait after the first failure, doubled after each next one
     * @param maxBackoff  the longest wait between attempts
     * @param maxAge      how long after its alert a delivery is tried before it is marked failed
     * @param concurrency how many deliveries are in flight at once, across subscriptions
     */
    public record Settings(Duration timeout, Duration backoff, Duration maxBackoff, Duration maxAge, int concurrency) {
        public static final Settings DEFAULTS = new Settings(Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMinutes(10),
                Duration.ofHours(24), 8);

        public Settings {
            for (var d : List.of(timeout, backoff, maxBackoff, maxAge)) {
                if (d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("webhook timeout, backoff and max age must be positive");
                }
            }
            if (concurrency < 1) {
                throw new IllegalArgumentException("webhook concurrency must be at least 1, was " + concurrency);
            }
        }
    }

    /** What happened to one attempt, for the metrics: delivered, retry or failed. */
    public interface Outcomes {
        void delivery(String outcome);
    }

    private final WebhookStore store;
    private final AlertStore alerts;
    private final Payloads payloads;
    private final InstantSource clock;
    private final Settings settings;
    private final HttpClient http;
    private final ExecutorService pool;
    private final Thread dispatcher;
    private final Semaphore wake = new Semaphore(0);
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Map<String, Alert> testAlerts = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final AtomicLong testCounter = new AtomicLong();
    private volatile Outcomes outcomes = outcome -> { };
    private volatile boolean running = true;

    public Webhooks(WebhookStore store, AlertStore alerts, Payloads payloads, InstantSource clock, Settings settings) {
        this.store = store;
        this.alerts = alerts;
        this.payloads = payloads;
        this.clock = clock;
        this.settings = settings;
        this.subscriptions.addAll(store.all());
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).followRedirects(HttpClient.Redirect.NEVER).build();
        this.pool = Executors.newFixedThreadPool(settings.concurrency(), r -> {
            var t = new Thread(r, "vigil-webhook-sender");
            t.setDaemon(true);
            return t;
        });
        this.dispatcher = new Thread(this::dispatch, "vigil-webhook-dispatcher");
        dispatcher.setDaemon(true);
        dispatcher.start();
    }

    public void useOutcomes(Outcomes value) {
        this.outcomes = value;
    }

    /** Adds the outbox rows of alerts being stored, in the transaction that stores them. */
    public AlertStore.WithStored outbox() {
        return (c, stored) -> store.enqueue(c, stored, subscriptions, clock.instant());
    }

    /** Tells the dispatcher that deliveries may be waiting (alerts were stored). */
    public void wake() {
        wake.release();
    }

    public Subscription subscribe(String url, List<String> ruleSets, List<String> rules, Severity minSeverity, String format, String secret) {
        var s = new Subscription("wh_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 20), url, ruleSets, rules, minSeverity, format,
                secret, clock.instant());
        store.save(s);
        subscriptions.add(s);
        return s;
    }

    public List<Subscription> subscriptions() {
        return List.copyOf(subscriptions);
    }

    public Optional<Subscription> subscription(String id) {
        return subscriptions.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    public boolean unsubscribe(String id) {
        subscriptions.removeIf(s -> s.id().equals(id));
        return store.delete(id);
    }

    /** Queues a delivery of a made-up alert to one subscription; the alert. */
    public Alert test(Subscription s) {
        var now = clock.instant();
        var id = "test-" + Long.toHexString(now.toEpochMilli()) + "-" + testCounter.incrementAndGet();
        var alert = new Alert(id, "vigil", 0, "webhook test", Severity.LOW, s.id(), "a test delivery to " + s.url(), now, now, List.of(),
                Map.of());
        testAlerts.put(id, alert);
        store.enqueue(s.id(), id, now);
        wake();
        return alert;
    }

    /** Tries a delivery again now, whatever became of it, unless it was delivered. */
    public boolean retry(String webhookId, String alertId) {
        boolean found = store.retry(webhookId, alertId, clock.instant());
        wake();
        return found;
    }

    public List<Delivery> deliveries(String webhookId, long before, int limit) {
        return store.deliveries(webhookId, before, limit);
    }

    public long pending() {
        return store.pending();
    }

    private void dispatch() {
        while (running) {
            try {
                int free = settings.concurrency() - inFlight.size();
                if (free > 0) {
                    for (var d : store.due(clock.instant(), Set.copyOf(inFlight), free)) {
                        inFlight.add(d.webhookId());
                        pool.execute(() -> {
                            try {
                                attempt(d);
                            } catch (RuntimeException e) {
                                LOG.error("webhook delivery of alert {} to {} failed unexpectedly", d.alertId(), d.webhookId(), e);
                            } finally {
                                inFlight.remove(d.webhookId());
                                wake();
                            }
                        });
                    }
                }
                var next = store.nextDue();
                long waitMs = next == null ? 1_000 : Math.max(0, Math.min(1_000, Duration.between(clock.instant(), next).toMillis()));
                if (wake.tryAcquire(Math.max(waitMs, 1), TimeUnit.MILLISECONDS)) {
                    wake.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("the webhook dispatcher could not read the outbox, trying again: {}", e.getMessage());
                try {
                    TimeUnit.SECONDS.sleep(1);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void attempt(Delivery d) {
        var now = clock.instant();
        var subscription = subscription(d.webhookId());
        Alert alert = testAlerts.get(d.alertId());
        if (alert == null) {
            alert = alerts.find(d.alertId()).map(AlertStore.Stored::alert).orElse(null);
        }
        if (subscription.isEmpty() || alert == null) {
            store.attempted(d.seq(), "failed", null, subscription.isEmpty() ? "the subscription is gone" : "the alert is no longer stored",
                    now, now);
            outcomes.delivery("failed");
            return;
        }
        var s = subscription.get();
        var body = payloads.render(s.format(), alert);
        long timestamp = now.getEpochSecond();
        var request = HttpRequest.newBuilder(URI.create(s.url())).timeout(settings.timeout())
                .header("Content-Type", "application/json").header("User-Agent", "Vigil")
                .header("webhook-id", alert.id()).header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", Signer.sign(s.secret(), alert.id(), timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        Integer status = null;
        String error;
        Duration asked = null;
        try {
            var response = http.send(request, HttpResponse.BodyHandlers.discarding());
            status = response.statusCode();
            if (status / 100 == 2) {
                store.attempted(d.seq(), "delivered", status, null, now, clock.instant());
                outcomes.delivery("delivered");
                return;
            }
            error = "the receiver answered " + status;
            asked = Backoff.retryAfter(response.headers().firstValue("Retry-After").orElse(null), clock.instant()).orElse(null);
            if (status != 429 && status / 100 != 5) {
                store.attempted(d.seq(), "failed", status, error + ": not retried", now, now);
                outcomes.delivery("failed");
                return;
            }
        } catch (HttpTimeoutException e) {
            error = "no answer within " + settings.timeout().toMillis() + " ms";
        } catch (IOException e) {
            error = "cannot reach the receiver: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        var wait = Backoff.after(d.attempts() + 1, settings.backoff(), settings.maxBackoff(), java.util.concurrent.ThreadLocalRandom.current());
        if (asked != null && asked.compareTo(wait) > 0) {
            wait = asked;
        }
        var next = clock.instant().plus(wait);
        if (next.isAfter(d.createdAt().plus(settings.maxAge()))) {
            store.attempted(d.seq(), "failed", status, error + "; given up after " + (d.attempts() + 1) + " attempts", now, now);
            outcomes.delivery("failed");
        } else {
            store.attempted(d.seq(), "pending", status, error, next, now);
            outcomes.delivery("retry");
        }
    }

    /** Stops sending; what is pending stays in the outbox for the next start. */
    @Override
    public void close() {
        running = false;
        dispatcher.interrupt();
        pool.shutdownNow();
        try {
            dispatcher.join(5_000);
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
