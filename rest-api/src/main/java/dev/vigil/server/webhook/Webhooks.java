package dev.vigil.server.webhook;

import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.Severity;
import dev.vigil.server.store.AlertStore;
import dev.vigil.server.store.WebhookStore.Delivery;
import dev.vigil.server.store.WebhookStore.Subscription;
import dev.vigil.server.store.WebhookStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhook delivery: the subscriptions (cached, so that matching an alert costs nothing when there
 * are none), the outbox rows written with each stored alert, and a dispatcher that sends from the
 * outbox on a bounded pool, one delivery at a time per subscription so that each receives its
 * alerts in the order they fired, retrying with backoff until a delivery is too old.
 *
 * <p>The outbox survives restarts: what was pending is sent after a restart, what was delivered
 * is not sent again. A slow or dead receiver holds up only its own subscription, and a sender for
 * no longer than the timeout. A receiver's answer is recorded before its subscription's next
 * delivery goes out, so an attempt the database cannot record is neither sent again nor overtaken.
 * A test delivery and a retry by hand are the exceptions to the order: asked for by a person who
 * waits for the answer, they are sent at once on the caller's thread, beside the queue.
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
    public record Settings(Duration timeout, Duration backoff, Duration maxBackoff, Duration maxAge, int concurrency,
                           AddressPolicy addresses) {
        public static final Settings DEFAULTS = new Settings(Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMinutes(10),
                Duration.ofHours(24), 8, AddressPolicy.PUBLIC);

        public Settings withAddresses(AddressPolicy value) {
            return new Settings(timeout, backoff, maxBackoff, maxAge, concurrency, value);
        }

        public Settings {
            Objects.requireNonNull(addresses, "addresses");
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
    /** The deliveries being sent, by the dispatcher or on a caller's thread: none is sent twice at once. */
    private final Set<Long> sending = ConcurrentHashMap.newKeySet();
    private final CopyOnWriteArrayList<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private volatile Outcomes outcomes = outcome -> { };
    private volatile boolean running = true;

    public Webhooks(WebhookStore store, AlertStore alerts, Payloads payloads, InstantSource clock, Settings settings) {
        this.store = store;
        this.alerts = alerts;
        this.payloads = payloads;
        this.clock = clock;
        this.settings = settings;
        this.subscriptions.addAll(store.all());
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
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
        var s = new Subscription("wh_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20), url, ruleSets, rules, minSeverity, format,
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

    /**
     * The outcome of one attempt: the delivery's state after it, the receiver's status (null when
     * none answered), the error, and how long the attempt took.
     */
    public record Attempt(String state, Integer status, String error, Duration took) {
    }

    /** A test delivery sent: its made-up alert and how the attempt went. */
    public record Test(Alert alert, Attempt attempt) {
    }

    /**
     * Sends a made-up alert to one subscription at once, whatever its queue holds (a failing
     * delivery ahead of it does not hold it up), and records it in the delivery log like any
     * other: one that fails is retried as any delivery is.
     */
    public Test test(Subscription s) {
        var now = clock.instant();
        var alert = TestAlerts.make(s, now, ThreadLocalRandom.current());
        var d = store.enqueue(s.id(), alert.id(), now, heldBack(now))
                .orElseThrow(() -> new IllegalStateException("test alert " + alert.id() + " was queued twice"));
        return new Test(alert, sendNow(d));
    }

    /**
     * Tries a delivery that was not delivered again, at once: pending (waiting for its backoff, or
     * behind another delivery of its subscription) or failed. Empty when there is no such delivery.
     */
    public Optional<Attempt> retry(String webhookId, String alertId) {
        var now = clock.instant();
        return store.retry(webhookId, alertId, now, heldBack(now)).map(this::sendNow);
    }

    /**
     * When a delivery sent here, on the caller's thread, is next due for the dispatcher: after this
     * attempt has had its time, so that the dispatcher does not send it meanwhile, and so that one
     * whose attempt the server did not live to record is sent after the next start.
     */
    private Instant heldBack(Instant now) {
        return now.plus(settings.timeout()).plusSeconds(1);
    }

    /** Attempts {@code d} on this thread, unless the dispatcher is sending it already. */
    private Attempt sendNow(Delivery d) {
        if (!sending.add(d.seq())) {
            return new Attempt("pending", null, "it is being sent already", Duration.ZERO);
        }
        try {
            var start = clock.instant();
            var done = attempt(d);
            return new Attempt(done.state(), done.status(), done.error(), Duration.between(start, clock.instant()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Attempt("pending", null, "interrupted: it stays pending", Duration.ZERO);
        } finally {
            sending.remove(d.seq());
            wake();
        }
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
                        if (!running) {
                            break;
                        }
                        if (!sending.add(d.seq())) {
                            continue;
                        }
                        inFlight.add(d.webhookId());
                        pool.execute(() -> {
                            try {
                                attempt(d);
                            } catch (InterruptedException e) {
                                LOG.info("stopped while delivering alert {} to {}: it stays pending and is sent after the next start",
                                        d.alertId(), d.webhookId());
                                Thread.currentThread().interrupt();
                            } catch (RuntimeException e) {
                                LOG.error("webhook delivery of alert {} to {} failed unexpectedly", d.alertId(), d.webhookId(), e);
                            } finally {
                                sending.remove(d.seq());
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

    private Attempt attempt(Delivery d) throws InterruptedException {
        var now = clock.instant();
        var subscription = subscription(d.webhookId());
        var alert = subscription.flatMap(s -> alerts.find(d.alertId()).map(AlertStore.Stored::alert).or(() -> TestAlerts.of(d.alertId(), s)));
        if (subscription.isEmpty() || alert.isEmpty()) {
            return record(d, "failed", null, subscription.isEmpty() ? "the subscription is gone" : "the alert is no longer stored", now, now);
        }
        var s = subscription.get();
        var refused = settings.addresses().refusal(URI.create(s.url()));
        if (refused.isPresent()) {
            return record(d, "failed", null, "not sent: " + refused.get(), now, now);
        }
        var body = payloads.render(s.format(), alert.get());
        long timestamp = now.getEpochSecond();
        var request = HttpRequest.newBuilder(URI.create(s.url()))
                .header("Content-Type", "application/json").header("User-Agent", "Vigil")
                .header("webhook-id", d.alertId()).header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", Signer.sign(s.secret(), d.alertId(), timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        var answer = exchange(request);
        Integer status = answer.status();
        String error = answer.error();
        Duration asked = null;
        if (status != null) {
            if (status / 100 == 2) {
                return record(d, "delivered", status, null, now, clock.instant());
            }
            error = "the receiver answered " + status;
            asked = Backoff.retryAfter(answer.retryAfter(), clock.instant()).orElse(null);
            if (status != 429 && status / 100 != 5) {
                return record(d, "failed", status, error + ": not retried", now, now);
            }
        }
        var wait = Backoff.after(d.attempts() + 1, settings.backoff(), settings.maxBackoff(), ThreadLocalRandom.current());
        if (asked != null && asked.compareTo(wait) > 0) {
            wait = asked;
        }
        var next = clock.instant().plus(wait);
        if (next.isAfter(d.createdAt().plus(settings.maxAge()))) {
            return record(d, "failed", status, error + "; given up after " + (d.attempts() + 1) + " attempts", now, now);
        }
        return record(d, "pending", status, error, next, now);
    }

    /** A receiver's answer: its status and Retry-After, or why there is none. */
    private record Answer(Integer status, String retryAfter, String error) {
    }

    /**
     * Sends a request and waits for the whole exchange, body included, at most the timeout: a
     * request's own timeout bounds only the wait for the headers, and a receiver that sends them,
     * then trickles its body, must not hold a sender. The status line decides the outcome; a body
     * not finished in time is dropped with its connection.
     */
    private Answer exchange(HttpRequest request) throws InterruptedException {
        var head = new CompletableFuture<HttpResponse.ResponseInfo>();
        var response = http.sendAsync(request, info -> {
            head.complete(info);
            return HttpResponse.BodySubscribers.discarding();
        });
        String error = null;
        try {
            response.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            response.cancel(true);
            error = "no answer within " + settings.timeout().toMillis() + " ms";
        } catch (ExecutionException e) {
            var cause = e.getCause();
            error = cause instanceof HttpTimeoutException ? "no answer within " + settings.timeout().toMillis() + " ms"
                    : "cannot reach the receiver: " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
        } catch (InterruptedException e) {
            response.cancel(true);
            throw e;
        }
        var info = head.getNow(null);
        return info == null ? new Answer(null, null, error) : new Answer(info.statusCode(), info.headers().firstValue("Retry-After").orElse(null), null);
    }

    /**
     * Records an attempt, trying again until the database takes it. Until then the subscription
     * stays busy: its delivery is not sent again (the receiver may have taken it) and the next one
     * does not overtake it. The attempt as recorded, untimed.
     */
    private Attempt record(Delivery d, String state, Integer status, String error, Instant next, Instant at) throws InterruptedException {
        long waitMs = 100;
        for (int failures = 0; ; failures++) {
            try {
                store.attempted(d.seq(), state, status, error, next, at);
                if (failures > 0) {
                    LOG.info("recorded the attempt to deliver alert {} to {} ({}) after {} failures", d.alertId(), d.webhookId(), state, failures);
                }
                outcomes.delivery(state.equals("pending") ? "retry" : state);
                return new Attempt(state, status, error, Duration.ZERO);
            } catch (RuntimeException e) {
                if (failures == 0) {
                    LOG.warn("cannot record the attempt to deliver alert {} to {} ({}); trying again, without sending it again: {}",
                            d.alertId(), d.webhookId(), state, e.getMessage());
                }
                TimeUnit.MILLISECONDS.sleep(waitMs);
                waitMs = Math.min(waitMs * 2, 5_000);
            }
        }
    }

    /**
     * Stops sending: takes no new delivery, waits up to the timeout (and a second to record) for
     * those in flight, so that one a receiver took is not sent again after a restart, then
     * interrupts what is left. What is pending stays in the outbox for the next start.
     */
    @Override
    public void close() {
        running = false;
        wake.release();
        try {
            dispatcher.join(5_000);
            if (dispatcher.isAlive()) {
                dispatcher.interrupt();
            }
            pool.shutdown();
            if (!pool.awaitTermination(settings.timeout().toMillis() + 1_000, TimeUnit.MILLISECONDS)) {
                LOG.warn("{} webhook deliveries still in flight are stopped; they stay pending and are sent after the next start", inFlight.size());
                pool.shutdownNow();
                pool.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Which addresses deliveries may go to. */
    public AddressPolicy addresses() {
        return settings.addresses();
    }
}
