package dev.vigil.server;

import static dev.vigil.server.TestServer.ADMIN_TOKEN;
import static dev.vigil.server.TestServer.JSON;
import static dev.vigil.server.TestServer.toJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.server.store.Database;
import dev.vigil.server.webhook.AddressPolicy;
import dev.vigil.server.webhook.Webhooks;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Webhook subscriptions and deliveries, from the real server on port 0 to a real HTTP receiver on localhost. */
class WebhooksIT {
    private static final String DRL = """
            package fraud;
            declare Transaction
                @role(event)
                @timestamp(time)
                @expires(1m)
                id : String
                time : long
                accountId : String
                amount : double
            end
            rule "large"
                @severity("high")
            when
                $t : Transaction(amount > 100)
            then
                alerts.raise($t.getAccountId(), "large " + $t.getId());
            end
            rule "small"
                @severity("low")
            when
                $t : Transaction(amount <= 100)
            then
                alerts.raise($t.getAccountId(), "small " + $t.getId());
            end
            """;
    /** Six payments of a card within ten minutes, judged on the newest: it triggers, the window is consulted. */
    private static final String VELOCITY = """
            package velocity;
            declare Payment
                @role(event)
                @timestamp(time)
                id : String
                time : long
                cardId : String
            end
            rule "six payments within ten minutes"
                @severity("high")
            when
                $p : Payment($card : cardId) over window:time(10m)
                not Payment(cardId == $card, this after $p) over window:time(10m)
                accumulate(Payment(cardId == $card) over window:time(10m); $n : count(); $n >= 6)
            then
                alerts.raise($card, $n + " payments within ten minutes");
            end
            """;
    /** Quick retries; the receivers of these tests listen on this machine, so loopback is allowed. */
    private static final Webhooks.Settings FAST = new Webhooks.Settings(Duration.ofMillis(500), Duration.ofMillis(100),
            Duration.ofMillis(400), Duration.ofMinutes(5), 4, new AddressPolicy(List.of(AddressPolicy.Cidr.parse("127.0.0.0/8"))));

    private final List<Receiver> receivers = new ArrayList<>();
    @TempDir
    Path data;
    private TestServer server;

    /**
     * A receiver on localhost: records every request and when it came, answers as told per path.
     * Paths starting with /hang answer only when the test ends; /trickle sends a 200 and part of a
     * body, and finishes it only when the test ends.
     */
    private static final class Receiver implements AutoCloseable {
        record Request(String path, Map<String, String> headers, String body, long nanos) {
        }

        final HttpServer server;
        final List<Request> requests = new CopyOnWriteArrayList<>();
        final Map<String, IntSupplier> answers = new ConcurrentHashMap<>();
        final Map<String, String> retryAfter = new ConcurrentHashMap<>();
        final Map<String, Runnable> before = new ConcurrentHashMap<>();
        final CountDownLatch release = new CountDownLatch(1);

        Receiver(int port) throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
            server.setExecutor(Executors.newCachedThreadPool());
            server.createContext("/", exchange -> {
                var path = exchange.getRequestURI().getPath();
                var headers = new TreeMap<String, String>(String.CASE_INSENSITIVE_ORDER);
                exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, v.get(0)));
                var body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                requests.add(new Request(path, headers, body, System.nanoTime()));
                before.getOrDefault(path, () -> { }).run();
                if (path.startsWith("/hang")) {
                    awaitRelease();
                }
                if (path.startsWith("/trickle")) {
                    exchange.sendResponseHeaders(200, 0);
                    exchange.getResponseBody().write("{\"ok\":".getBytes(StandardCharsets.UTF_8));
                    exchange.getResponseBody().flush();
                    awaitRelease();
                    exchange.close();
                    return;
                }
                int status = answers.getOrDefault(path, () -> 200).getAsInt();
                if (retryAfter.containsKey(path)) {
                    exchange.getResponseHeaders().set("Retry-After", retryAfter.get(path));
                }
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            server.start();
        }

        private void awaitRelease() {
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        int port() {
            return server.getAddress().getPort();
        }

        String url(String path) {
            return "http://127.0.0.1:" + port() + path;
        }

        List<Request> at(String path) {
            return requests.stream().filter(r -> r.path().equals(path)).toList();
        }

        List<String> ids(String path) {
            return at(path).stream().map(r -> r.headers().get("webhook-id")).toList();
        }

        @Override
        public void close() {
            release.countDown();
            server.stop(0);
        }
    }

    private Receiver receiver() throws IOException {
        return receiver(0);
    }

    private Receiver receiver(int port) throws IOException {
        var r = new Receiver(port);
        receivers.add(r);
        return r;
    }

    private static Webhooks.Settings fast(Duration timeout, Duration maxAge) {
        return new Webhooks.Settings(timeout, FAST.backoff(), FAST.maxBackoff(), maxAge, FAST.concurrency(), FAST.addresses());
    }

    private TestServer start() throws Exception {
        return start(FAST);
    }

    private TestServer start(Webhooks.Settings settings) throws Exception {
        restart(settings);
        var deployed = server.put("/api/v1/rulesets/fraud", toJson(Map.of("files", Map.of("fraud.drl", DRL))));
        assertThat(deployed.statusCode()).as(deployed.body()).isIn(200, 201);
        return server;
    }

    /** Starts the server on the data folder as it is, deploying nothing. */
    private void restart(Webhooks.Settings settings) {
        server = TestServer.start(TestServer.config(data).withWebhooks(settings));
    }

    /** A connection to the server's database, beside the server's own, as an operator's console would open. */
    private Connection database() throws Exception {
        return DriverManager.getConnection(Database.url(data), "vigil", "");
    }

    @AfterEach
    void stop() {
        receivers.forEach(r -> r.release.countDown());
        if (server != null) {
            server.close();
        }
        receivers.forEach(Receiver::close);
    }

    private JsonNode subscribe(Map<String, ?> body) throws Exception {
        var response = server.post("/api/v1/webhooks", toJson(body));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JSON.readTree(response.body());
    }

    /** Posts transactions t{from}..t{to-1} of the given amount, one second apart, each raising one alert. */
    private void post(int from, int to, double amount) throws Exception {
        var lines = new StringBuilder();
        for (int i = from; i < to; i++) {
            lines.append(String.format("{\"type\": \"Transaction\", \"id\": \"t%d\", \"time\": \"%s\", \"accountId\": \"a%d\", \"amount\": %s}%n",
                    i, Instant.parse("2026-11-20T10:00:00Z").plusSeconds(i), i, amount));
        }
        var response = server.send("POST", "/api/v1/events", lines.toString(), "application/x-ndjson", ADMIN_TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    private JsonNode deliveries(String webhookId) throws Exception {
        return server.getJson("/api/v1/webhooks/" + webhookId + "/deliveries").get("deliveries");
    }

    private List<String> states(String webhookId) throws Exception {
        var out = new ArrayList<String>();
        deliveries(webhookId).forEach(d -> out.add(d.get("state").asText()));
        return out;
    }

    /** Whether the subscription's log holds {@code n} deliveries, every one delivered. */
    private boolean allDelivered(String webhookId, int n) throws Exception {
        var log = server.getJson("/api/v1/webhooks/" + webhookId + "/deliveries?limit=1000").get("deliveries");
        if (log.size() != n) {
            return false;
        }
        for (var d : log) {
            if (!d.get("state").asText().equals("delivered")) {
                return false;
            }
        }
        return true;
    }

    /** The Standard Webhooks check, written from the specification apart from the server's signer. */
    private static boolean verifies(String secret, Receiver.Request r) throws Exception {
        var key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        var mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        var content = r.headers().get("webhook-id") + "." + r.headers().get("webhook-timestamp") + "." + r.body();
        var expected = "v1," + Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
        long age = Math.abs(Instant.now().getEpochSecond() - Long.parseLong(r.headers().get("webhook-timestamp")));
        return age < 300 && List.of(r.headers().get("webhook-signature").split(" ")).contains(expected);
    }

    @Test
    void aDelivery_isTheAlertAsTheApiGivesIt_signedSoThatTheSpecVerifiesIt() throws Exception {
        var receiver = receiver();
        start();
        var sub = subscribe(Map.of("url", receiver.url("/hook")));
        assertThat(sub.get("secret").asText()).startsWith("whsec_");
        assertThat(sub.get("id").asText()).isNotBlank();

        post(0, 1, 500);

        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.at("/hook").size() == 1);
        var request = receiver.at("/hook").get(0);
        assertThat(verifies(sub.get("secret").asText(), request)).isTrue();
        assertThat(request.headers()).doesNotContainKeys("Upgrade", "HTTP2-Settings");
        var alert = JSON.readTree(request.body());
        var stored = server.getJson("/api/v1/alerts").get("alerts").get(0);
        assertThat(request.headers().get("webhook-id")).isEqualTo(stored.get("id").asText());
        assertThat(alert.get("id")).isEqualTo(stored.get("id"));
        assertThat(alert.get("message").asText()).isEqualTo("large t0");
        assertThat(alert.get("evidence").get(0).asText()).isEqualTo("t0");
        await().atMost(Duration.ofSeconds(5)).until(() -> deliveries(sub.get("id").asText()).get(0).get("state").asText().equals("delivered"));
        var logged = deliveries(sub.get("id").asText()).get(0);
        assertThat(logged.get("attempts").asInt()).isEqualTo(1);
        assertThat(logged.get("lastStatus").asInt()).isEqualTo(200);
        assertThat(logged.get("deliveredAt").isNull()).isFalse();
    }

    @Test
    void aDeliveryAndTheApi_carryTheTriggerAsEvidence_andTheWindowItWasCountedInAsContext() throws Exception {
        var receiver = receiver();
        start();
        var deployed = server.put("/api/v1/rulesets/velocity", toJson(Map.of("files", Map.of("velocity.drl", VELOCITY))));
        assertThat(deployed.statusCode()).as(deployed.body()).isIn(200, 201);
        subscribe(Map.of("url", receiver.url("/hook"), "filter", Map.of("rulesets", List.of("velocity"))));
        var lines = new StringBuilder();
        for (int i = 1; i <= 6; i++) {
            lines.append(String.format("{\"type\": \"Payment\", \"id\": \"p%d\", \"time\": \"%s\", \"cardId\": \"c1\"}%n",
                    i, Instant.parse("2026-11-20T10:00:00Z").plusSeconds(60L * i)));
        }
        var posted = server.send("POST", "/api/v1/events", lines.toString(), "application/x-ndjson", ADMIN_TOKEN);
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.at("/hook").size() == 1);
        var evidence = JSON.readTree("[\"p6\"]");
        var context = JSON.readTree("{\"events\": 6, \"ids\": [\"p2\", \"p3\", \"p4\", \"p5\", \"p6\"]}");
        var delivered = JSON.readTree(receiver.at("/hook").get(0).body());
        assertThat(delivered.get("message").asText()).isEqualTo("6 payments within ten minutes");
        assertThat(delivered.get("evidence")).isEqualTo(evidence);
        assertThat(delivered.get("context")).isEqualTo(context);
        var listed = server.getJson("/api/v1/alerts?ruleset=velocity").get("alerts");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("evidence")).isEqualTo(evidence);
        assertThat(listed.get(0).get("context")).isEqualTo(context);
        var one = server.getJson("/api/v1/alerts/" + delivered.get("id").asText());
        assertThat(one.get("evidence")).isEqualTo(evidence);
        assertThat(one.get("context")).isEqualTo(context);
    }

    @Test
    void aReceiverDownThenUp_getsTheAlertOnce_afterBackoff() throws Exception {
        var probe = receiver();
        int port = probe.port();
        probe.close();
        start();
        var sub = subscribe(Map.of("url", "http://127.0.0.1:" + port + "/hook"));
        post(0, 1, 500);
        var id = sub.get("id").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries(id).size() == 1 && deliveries(id).get(0).get("attempts").asInt() >= 2);
        var waiting = deliveries(id).get(0);
        assertThat(waiting.get("state").asText()).isEqualTo("pending");
        assertThat(waiting.get("lastError").asText()).startsWith("cannot reach the receiver");
        assertThat(waiting.get("nextAttempt").isNull()).isFalse();

        var receiver = receiver(port);
        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries(id).get(0).get("state").asText().equals("delivered"));
        assertThat(receiver.at("/hook")).hasSize(1);
    }

    @Test
    void fiveHundredThreeTimesThenOk_isFourAttemptsAndOneDelivery_andGoneIsFailedAtOnceUntilRetriedByHand() throws Exception {
        var receiver = receiver();
        var calls = new AtomicInteger();
        receiver.answers.put("/flaky", () -> calls.incrementAndGet() <= 3 ? 500 : 200);
        var gone = new AtomicInteger(410);
        receiver.answers.put("/gone", gone::get);
        start();
        var flaky = subscribe(Map.of("url", receiver.url("/flaky"))).get("id").asText();
        var goneId = subscribe(Map.of("url", receiver.url("/gone"))).get("id").asText();
        post(0, 1, 500);

        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries(flaky).get(0).get("state").asText().equals("delivered"));
        assertThat(deliveries(flaky).get(0).get("attempts").asInt()).isEqualTo(4);
        assertThat(receiver.at("/flaky")).hasSize(4).extracting(r -> r.headers().get("webhook-id")).containsOnly(
                receiver.at("/flaky").get(0).headers().get("webhook-id"));

        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries(goneId).get(0).get("state").asText().equals("failed"));
        var failed = deliveries(goneId).get(0);
        assertThat(failed.get("attempts").asInt()).isEqualTo(1);
        assertThat(failed.get("lastStatus").asInt()).isEqualTo(410);
        assertThat(failed.get("lastError").asText()).isEqualTo("the receiver answered 410: not retried");

        gone.set(200);
        var retried = server.post("/api/v1/webhooks/" + goneId + "/deliveries/" + failed.get("alertId").asText() + "/retry", null);
        assertThat(retried.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries(goneId).get(0).get("state").asText().equals("delivered"));
        assertThat(receiver.at("/gone")).hasSize(2);
        assertThat(server.post("/api/v1/webhooks/" + goneId + "/deliveries/nope/retry", null).statusCode()).isEqualTo(404);
    }

    @Test
    void aHangingReceiver_doesNotDelayAnotherSubscription_farWithinItsTimeout() throws Exception {
        var receiver = receiver();
        start(fast(Duration.ofSeconds(30), FAST.maxAge()));
        var hang = subscribe(Map.of("url", receiver.url("/hang"))).get("id").asText();
        var ok = subscribe(Map.of("url", receiver.url("/ok"))).get("id").asText();
        post(0, 3, 500);

        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.at("/ok").size() == 3);
        await().atMost(Duration.ofSeconds(5)).until(() -> states(ok).equals(List.of("delivered", "delivered", "delivered")));
        assertThat(receiver.at("/hang")).hasSize(1);
        assertThat(deliveries(hang)).hasSize(3).allSatisfy(d -> {
            assertThat(d.get("state").asText()).isEqualTo("pending");
            assertThat(d.get("attempts").asInt()).isZero();
        });
    }

    @Test
    void aReceiverThatSendsHeadersButNeverFinishesTheBody_holdsItsDeliveryOnlyUntilTheTimeout() throws Exception {
        var receiver = receiver();
        start();
        var id = subscribe(Map.of("url", receiver.url("/trickle"))).get("id").asText();
        post(0, 2, 500);

        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.at("/trickle").size() == 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> states(id).equals(List.of("delivered", "delivered")));
        assertThat(deliveries(id)).allSatisfy(d -> {
            assertThat(d.get("attempts").asInt()).isEqualTo(1);
            assertThat(d.get("lastStatus").asInt()).isEqualTo(200);
        });
        assertThat(receiver.ids("/trickle")).doesNotHaveDuplicates();
    }

    @Test
    void aTooManyRequestsAnswer_isRetriedNoSoonerThanItsRetryAfter() throws Exception {
        var receiver = receiver();
        var calls = new AtomicInteger();
        receiver.answers.put("/busy", () -> calls.incrementAndGet() == 1 ? 429 : 200);
        receiver.retryAfter.put("/busy", "1");
        start();
        var id = subscribe(Map.of("url", receiver.url("/busy"))).get("id").asText();
        post(0, 1, 500);

        await().atMost(Duration.ofSeconds(10)).until(() -> states(id).equals(List.of("delivered")));
        var requests = receiver.at("/busy");
        assertThat(requests).hasSize(2);
        assertThat(Duration.ofNanos(requests.get(1).nanos() - requests.get(0).nanos())).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(deliveries(id).get(0).get("attempts").asInt()).isEqualTo(2);
    }

    @Test
    void aDeliveryThatReachesTheMaximumAge_isMarkedFailedInTheLog() throws Exception {
        var receiver = receiver();
        receiver.answers.put("/down", () -> 503);
        start(fast(FAST.timeout(), Duration.ofSeconds(1)));
        var id = subscribe(Map.of("url", receiver.url("/down"))).get("id").asText();
        post(0, 1, 500);

        await().atMost(Duration.ofSeconds(10)).until(() -> states(id).equals(List.of("failed")));
        var failed = deliveries(id).get(0);
        int attempts = failed.get("attempts").asInt();
        assertThat(attempts).isGreaterThanOrEqualTo(2);
        assertThat(receiver.at("/down")).hasSize(attempts);
        assertThat(failed.get("lastStatus").asInt()).isEqualTo(503);
        assertThat(failed.get("lastError").asText()).isEqualTo("the receiver answered 503; given up after " + attempts + " attempts");
        assertThat(failed.get("nextAttempt").isNull()).isTrue();
        assertThat(failed.get("deliveredAt").isNull()).isTrue();
    }

    @Test
    void theDeliveryLog_isPagedNewestFirstWithACursor() throws Exception {
        var receiver = receiver();
        start();
        var id = subscribe(Map.of("url", receiver.url("/paged"))).get("id").asText();
        post(0, 5, 500);
        await().atMost(Duration.ofSeconds(10)).until(() -> allDelivered(id, 5));

        var seen = new ArrayList<String>();
        var sizes = new ArrayList<Integer>();
        String cursor = null;
        do {
            var page = server.getJson("/api/v1/webhooks/" + id + "/deliveries?limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
            sizes.add(page.get("deliveries").size());
            page.get("deliveries").forEach(d -> seen.add(d.get("alertId").asText()));
            cursor = page.get("next").isNull() ? null : page.get("next").asText();
        } while (cursor != null);

        assertThat(sizes).containsExactly(2, 2, 1);
        var newestFirst = new ArrayList<>(receiver.ids("/paged"));
        Collections.reverse(newestFirst);
        assertThat(seen).containsExactlyElementsOf(newestFirst);
        var bad = server.get("/api/v1/webhooks/" + id + "/deliveries?cursor=abc");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).get("message").asText()).isEqualTo("cursor must be the 'next' of a previous page");
    }

    @Test
    void filters_byRuleSetRuleAndSeverity() throws Exception {
        var receiver = receiver();
        start();
        subscribe(Map.of("url", receiver.url("/high"), "filter", Map.of("minSeverity", "high")));
        subscribe(Map.of("url", receiver.url("/small"), "filter", Map.of("rules", List.of("small"))));
        subscribe(Map.of("url", receiver.url("/other"), "filter", Map.of("rulesets", List.of("ops"))));
        subscribe(Map.of("url", receiver.url("/all")));
        post(0, 2, 500);
        post(2, 5, 5);
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.at("/all").size() == 5);
        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.at("/high").size() == 2 && receiver.at("/small").size() == 3);
        assertThat(receiver.at("/high")).allSatisfy(r -> assertThat(r.body()).contains("\"severity\":\"high\""));
        assertThat(receiver.at("/small")).allSatisfy(r -> assertThat(r.body()).contains("\"rule\":\"small\""));
        assertThat(receiver.at("/other")).isEmpty();
    }

    @Test
    void alertsOfOneSubscription_arriveInTheOrderTheyFired_evenAcrossRetries() throws Exception {
        var receiver = receiver();
        var calls = new AtomicInteger();
        receiver.answers.put("/ordered", () -> calls.incrementAndGet() % 7 == 1 ? 503 : 200);
        start();
        var id = subscribe(Map.of("url", receiver.url("/ordered"))).get("id").asText();
        post(0, 30, 500);
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.at("/ordered").stream().map(r -> r.headers().get("webhook-id"))
                .distinct().count() == 30);
        var firstSeen = new ArrayList<String>();
        for (var r : receiver.at("/ordered")) {
            var message = JSON.readTree(r.body()).get("message").asText();
            if (!firstSeen.contains(message)) {
                firstSeen.add(message);
            }
        }
        var expected = new ArrayList<String>();
        for (int i = 0; i < 30; i++) {
            expected.add("large t" + i);
        }
        assertThat(firstSeen).containsExactlyElementsOf(expected);
        assertThat(deliveries(id)).allSatisfy(d -> assertThat(d.get("state").asText()).isEqualTo("delivered"));
    }

    @Test
    void aTestAndARetryByHand_goOutAtOnce_whileAnEarlierDeliveryOfTheSubscriptionBacksOff() throws Exception {
        var receiver = receiver();
        var calls = new AtomicInteger();
        receiver.answers.put("/slow", () -> calls.incrementAndGet() == 1 ? 503 : 200);
        start(new Webhooks.Settings(Duration.ofSeconds(2), Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofHours(1), 2,
                FAST.addresses()));
        var id = subscribe(Map.of("url", receiver.url("/slow"))).get("id").asText();
        post(0, 2, 500);
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.at("/slow").size() == 1);
        var first = receiver.ids("/slow").get(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries(id).size() == 2
                && deliveries(id).findValuesAsText("lastError").contains("the receiver answered 503"));
        var waiting = new ArrayList<String>();
        deliveries(id).forEach(d -> waiting.add(d.get("alertId").asText()));
        waiting.remove(first);

        var tested = JSON.readTree(server.post("/api/v1/webhooks/" + id + "/test", null).body());
        assertThat(tested.get("state").asText()).as(tested.toString()).isEqualTo("delivered");
        assertThat(tested.get("status").asInt()).isEqualTo(200);
        assertThat(tested.get("ms").asLong()).isNotNegative();
        assertThat(receiver.ids("/slow")).containsExactly(first, tested.get("alertId").asText());

        var retried = server.post("/api/v1/webhooks/" + id + "/deliveries/" + waiting.get(0) + "/retry", null);
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
        assertThat(JSON.readTree(retried.body()).get("state").asText()).isEqualTo("delivered");
        assertThat(receiver.ids("/slow")).containsExactly(first, tested.get("alertId").asText(), waiting.get(0));
        var states = new TreeMap<String, String>();
        deliveries(id).forEach(d -> states.put(d.get("alertId").asText(), d.get("state").asText()));
        assertThat(states).containsEntry(first, "pending").containsEntry(waiting.get(0), "delivered")
                .containsEntry(tested.get("alertId").asText(), "delivered");
    }

    @Test
    void aRestartWithDeliveriesPending_deliversThemAll_noneTwice() throws Exception {
        var probe = receiver();
        int port = probe.port();
        probe.close();
        start();
        subscribe(Map.of("url", "http://127.0.0.1:" + port + "/hook"));
        post(0, 20, 500);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.getJson("/api/v1/alerts?limit=100")
                .get("alerts").size() == 20);
        server.close();

        var receiver = receiver(port);
        restart(FAST);
        var id = server.getJson("/api/v1/webhooks").get(0).get("id").asText();
        await().atMost(Duration.ofSeconds(15)).until(() -> allDelivered(id, 20));
        assertThat(receiver.ids("/hook")).hasSize(20).doesNotHaveDuplicates();
    }

    @Test
    void aRestartWhileADeliveryIsInFlight_waitsForItsAnswer_soThatNothingIsReceivedTwice() throws Exception {
        var receiver = receiver();
        var calls = new AtomicInteger();
        var never = new CountDownLatch(1);
        receiver.before.put("/hook", () -> {
            if (calls.incrementAndGet() == 6) {
                try {
                    never.await(1500, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        var settings = fast(Duration.ofSeconds(5), FAST.maxAge());
        start(settings);
        var id = subscribe(Map.of("url", receiver.url("/hook"))).get("id").asText();
        post(0, 20, 500);
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.at("/hook").size() == 6);
        assertThat(states(id)).containsOnly("pending", "delivered").contains("pending", "delivered");
        server.close();
        assertThat(receiver.at("/hook")).hasSize(6);

        restart(settings);
        await().atMost(Duration.ofSeconds(15)).until(() -> allDelivered(id, 20));
        assertThat(receiver.ids("/hook")).hasSize(20).doesNotHaveDuplicates();
    }

    @Test
    void aDeliveryTheDatabaseCannotRecord_isNotSentAgain_andIsRecordedOnceItCan() throws Exception {
        var receiver = receiver();
        start();
        var id = subscribe(Map.of("url", receiver.url("/hook"))).get("id").asText();
        try (var console = database(); var st = console.createStatement()) {
            st.execute("ALTER TABLE webhook_delivery ADD CONSTRAINT not_yet CHECK (state <> 'delivered')");
            post(0, 1, 500);
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.at("/hook").size() == 1);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> receiver.at("/hook").size() == 1);
            assertThat(states(id)).containsExactly("pending");
            st.execute("ALTER TABLE webhook_delivery DROP CONSTRAINT not_yet");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> states(id).equals(List.of("delivered")));
        assertThat(receiver.at("/hook")).hasSize(1);
        assertThat(deliveries(id).get(0).get("attempts").asInt()).isEqualTo(1);
    }

    @Test
    void aTestDeliveryPendingAtARestart_isSentAfterIt() throws Exception {
        var probe = receiver();
        int port = probe.port();
        probe.close();
        start();
        var id = subscribe(Map.of("url", "http://127.0.0.1:" + port + "/t")).get("id").asText();
        var tested = server.post("/api/v1/webhooks/" + id + "/test", null);
        assertThat(tested.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(tested.body()).get("state").asText()).isEqualTo("pending");
        var alertId = JSON.readTree(tested.body()).get("alertId").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries(id).get(0).get("attempts").asInt() >= 1);
        server.close();

        var receiver = receiver(port);
        restart(FAST);
        await().atMost(Duration.ofSeconds(10)).until(() -> states(id).equals(List.of("delivered")));
        assertThat(receiver.ids("/t")).containsExactly(alertId);
        var body = JSON.readTree(receiver.at("/t").get(0).body());
        assertThat(body.get("id").asText()).isEqualTo(alertId);
        assertThat(body.get("message").asText()).isEqualTo("a test delivery to http://127.0.0.1:" + port + "/t");
        assertThat(server.getJson("/api/v1/alerts").get("alerts")).isEmpty();
    }

    @Test
    void aThousandAlertsToThreeSubscribers_areThreeThousandDeliveries_withoutDuplicates() throws Exception {
        var receiver = receiver();
        // A request that times out is sent again, by design; on a busy machine 500 ms may pass before an answer.
        start(fast(Duration.ofSeconds(10), FAST.maxAge()));
        for (var path : List.of("/a", "/b", "/c")) {
            subscribe(Map.of("url", receiver.url(path)));
        }
        post(0, 1000, 500);
        var subscriptions = server.getJson("/api/v1/webhooks");
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            for (var s : subscriptions) {
                if (!allDelivered(s.get("id").asText(), 1000)) {
                    return false;
                }
            }
            return true;
        });
        for (var s : subscriptions) {
            var log = server.getJson("/api/v1/webhooks/" + s.get("id").asText() + "/deliveries?limit=1000");
            assertThat(log.get("deliveries")).allSatisfy(d -> assertThat(d.get("attempts").asInt()).isEqualTo(1));
        }
        for (var path : List.of("/a", "/b", "/c")) {
            assertThat(receiver.ids(path)).hasSize(1000).doesNotHaveDuplicates();
        }
    }

    @Test
    void formats_alertmanagerAndSlack_carryTheAlert() throws Exception {
        var receiver = receiver();
        start();
        subscribe(Map.of("url", receiver.url("/am"), "format", "alertmanager"));
        subscribe(Map.of("url", receiver.url("/slack"), "format", "slack"));
        post(0, 1, 500);
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.at("/am").size() == 1 && receiver.at("/slack").size() == 1);
        var alertId = receiver.at("/am").get(0).headers().get("webhook-id");
        var am = JSON.readTree(receiver.at("/am").get(0).body());
        assertThat(am.get("version").asText()).isEqualTo("4");
        assertThat(am.get("status").asText()).isEqualTo("firing");
        assertThat(am.get("receiver").asText()).isEqualTo("vigil");
        assertThat(am.get("groupLabels")).isEqualTo(JSON.readTree("{\"alertname\": \"large\", \"key\": \"a0\"}"));
        var labels = JSON.readTree("{\"alertname\": \"large\", \"ruleset\": \"fraud\", \"severity\": \"high\", \"key\": \"a0\"}");
        assertThat(am.get("commonLabels")).isEqualTo(labels);
        assertThat(am.get("alerts")).hasSize(1);
        var alert = am.get("alerts").get(0);
        assertThat(alert.get("status").asText()).isEqualTo("firing");
        assertThat(alert.get("labels")).isEqualTo(labels);
        assertThat(alert.get("annotations").get("message").asText()).isEqualTo("large t0");
        assertThat(alert.get("startsAt").asText()).isEqualTo("2026-11-20T10:00:00Z");
        assertThat(alert.get("fingerprint").asText()).isEqualTo(alertId.substring(0, Math.min(16, alertId.length())));

        var slack = JSON.readTree(receiver.at("/slack").get(0).body());
        assertThat(slack.get("text").asText()).isEqualTo("[HIGH] large (a0): large t0");
        var blocks = slack.get("blocks");
        assertThat(blocks).hasSize(4);
        assertThat(blocks.get(0)).isEqualTo(JSON.readTree("{\"type\": \"header\", \"text\": {\"type\": \"plain_text\", \"text\": \"[HIGH] large\"}}"));
        assertThat(blocks.get(1).get("type").asText()).isEqualTo("section");
        var fields = new ArrayList<String>();
        blocks.get(1).get("fields").forEach(f -> fields.add(f.get("type").asText() + " " + f.get("text").asText()));
        assertThat(fields).containsExactly("mrkdwn *Rule*\nlarge", "mrkdwn *Key*\na0", "mrkdwn *Severity*\nhigh", "mrkdwn *Rule set*\nfraud");
        assertThat(blocks.get(2)).isEqualTo(JSON.readTree("{\"type\": \"section\", \"text\": {\"type\": \"mrkdwn\", \"text\": \"large t0\"}}"));
        assertThat(blocks.get(3).get("type").asText()).isEqualTo("context");
        assertThat(blocks.get(3).get("elements").get(0).get("text").asText()).isEqualTo("alert " + alertId + " at 2026-11-20T10:00:00Z");
    }

    @Test
    void subscriptions_areListedWithSecretsMasked_testedAndDeleted() throws Exception {
        var receiver = receiver();
        start();
        var secret = "whsec_" + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));
        var sub = subscribe(Map.of("url", receiver.url("/t"), "secret", secret, "format", "slack"));
        assertThat(sub.get("secret").asText()).isEqualTo(secret);
        var id = sub.get("id").asText();
        var listed = server.getJson("/api/v1/webhooks");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("secret").asText()).isEqualTo("whsec_…" + secret.substring(secret.length() - 4));
        var one = server.getJson("/api/v1/webhooks/" + id);
        assertThat(one.get("format").asText()).isEqualTo("slack");
        assertThat(one.get("secret").asText()).isEqualTo("whsec_…" + secret.substring(secret.length() - 4));

        var tested = server.post("/api/v1/webhooks/" + id + "/test", null);
        assertThat(tested.statusCode()).isEqualTo(200);
        assertThat(receiver.at("/t")).hasSize(1);
        assertThat(verifies(secret, receiver.at("/t").get(0))).isTrue();

        assertThat(server.delete("/api/v1/webhooks/" + id).statusCode()).isEqualTo(204);
        assertThat(server.get("/api/v1/webhooks/" + id).statusCode()).isEqualTo(404);
        assertThat(server.delete("/api/v1/webhooks/" + id).statusCode()).isEqualTo(404);
    }

    @Test
    void loopbackPrivateAndMetadataAddresses_areRefusedAtSubscription_andAgainAtDelivery_unlessAllowed() throws Exception {
        start(FAST.withAddresses(AddressPolicy.PUBLIC));
        var refused = new ArrayList<String>();
        for (var url : List.of("http://127.0.0.1:9/x", "http://localhost/x", "http://10.1.2.3/x", "http://192.168.0.1/x",
                "http://169.254.169.254/latest/meta-data/", "http://[::1]/x", "http://[fd00::1]/x")) {
            var response = server.post("/api/v1/webhooks", toJson(Map.of("url", url)));
            assertThat(response.statusCode()).as(url).isEqualTo(400);
            refused.add(JSON.readTree(response.body()).get("details").get(0).get("message").asText());
        }
        assertThat(refused.get(0)).isEqualTo("'127.0.0.1' is 127.0.0.1, in 127.0.0.0/8, a loopback, private, link-local or other"
                + " non-public range; allow it with --webhook-allow 127.0.0.0/8");
        assertThat(refused.get(4)).contains("169.254.169.254, in 169.254.0.0/16");
        assertThat(server.getJson("/api/v1/webhooks")).isEmpty();
        server.close();

        // Allowed when subscribing; then the server restarts without the allowance (as when a name moves to a private address).
        var receiver = receiver();
        restart(FAST);
        var id = subscribe(Map.of("url", receiver.url("/private"))).get("id").asText();
        server.close();
        restart(FAST.withAddresses(AddressPolicy.PUBLIC));
        post(0, 1, 5_000);

        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries(id).size() == 1 && deliveries(id).get(0).get("state").asText()
                .equals("failed"));
        assertThat(deliveries(id).get(0).get("lastError").asText()).startsWith("not sent: '127.0.0.1' is 127.0.0.1, in 127.0.0.0/8");
        assertThat(receiver.at("/private")).isEmpty();
    }

    @Test
    void badSubscriptions_are400NamingEachField() throws Exception {
        start();
        var response = server.post("/api/v1/webhooks", toJson(Map.of("url", "ftp://example.com/x", "format", "xml",
                "secret", "hunter2", "filter", Map.of("minSeverity", "urgent", "rulesets", "fraud"), "colour", "red")));
        assertThat(response.statusCode()).isEqualTo(400);
        var body = JSON.readTree(response.body());
        assertThat(body.get("error").asText()).isEqualTo("invalid_subscription");
        var fields = new ArrayList<String>();
        body.get("details").forEach(d -> fields.add(d.get("field").asText()));
        assertThat(fields).containsExactlyInAnyOrder("colour", "url", "format", "secret", "filter.rulesets", "filter.minSeverity");
        assertThat(body.get("details").toString()).contains("the url must be http or https, not 'ftp'");
        var missing = server.post("/api/v1/webhooks", "{}");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(missing.body()).get("details").get(0).get("field").asText()).isEqualTo("url");
        assertThat(server.getJson("/api/v1/webhooks")).isEmpty();
    }
}
