package dev.vigil.server;

import static dev.vigil.server.TestServer.JSON;
import static dev.vigil.server.TestServer.toJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.server.store.Database;
import dev.vigil.server.store.JournalStore;
import dev.vigil.server.webhook.AddressPolicy;
import dev.vigil.server.webhook.Webhooks;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stops that are not clean: the server killed with SIGKILL while a client posts, then started
 * again on the same data. Every event answered 202 is in the journal, windows that spanned the
 * crash fire, and no alert is stored twice.
 */
class CrashRecoveryIT {
    private static final String TOKEN = "crash-test-token";
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    @TempDir
    Path work;
    private ServeProcess process;
    private VigilServer server;

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null) {
            process.kill();
        }
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> send(int port, String method, String path, String body, String contentType) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", contentType).header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(30)).build();
        return TestServer.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String tx(String id, Instant time, String account) {
        return "{\"type\": \"Transaction\", \"id\": \"" + id + "\", \"time\": \"" + time + "\", \"accountId\": \"" + account
                + "\", \"amount\": 10}";
    }

    private JsonNode alerts(int port) throws IOException, InterruptedException {
        return JSON.readTree(send(port, "GET", "/api/v1/alerts?limit=1000", null, "application/json").body()).get("alerts");
    }

    @Test
    void aRestart_keepsTheWindows_andNeitherStoresNorDeliversAnAlertTwice() throws Exception {
        var delivered = new CopyOnWriteArrayList<String>();
        var receiver = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            delivered.add(exchange.getRequestHeaders().getFirst("webhook-id"));
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        var config = ServerConfig.defaults(work.resolve("data")).withPort(0).withAdminToken(TOKEN).withWebhooks(
                Webhooks.Settings.DEFAULTS.withAddresses(AddressPolicy.ANY));
        try {
            server = VigilServer.start(config);
            send(server.port(), "PUT", "/api/v1/rulesets/fraud", toJson(Map.of("files", Map.of("fraud.drl", TestDrl.BURST))),
                    "application/json");
            send(server.port(), "POST", "/api/v1/webhooks", toJson(Map.of("url",
                    "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook")), "application/json");
            for (int i = 0; i < 3; i++) {
                send(server.port(), "POST", "/api/v1/events", tx("a" + i, T0.plusSeconds(i), "done"), "application/json");
            }
            send(server.port(), "POST", "/api/v1/events", tx("s1", T0.plusSeconds(10), "span"), "application/json");
            send(server.port(), "POST", "/api/v1/events", tx("s2", T0.plusSeconds(20), "span"), "application/json");
            await().atMost(Duration.ofSeconds(10)).until(() -> delivered.size() == 1);
            server.close();

            // The journal's events go through the fresh session again: "done" fires again, with the id it had.
            server = VigilServer.start(config);
            send(server.port(), "POST", "/api/v1/events", tx("s3", T0.plusSeconds(30), "span"), "application/json");

            int again = server.port();
            await().atMost(Duration.ofSeconds(10)).until(() -> alerts(again).size() == 2);
            var keys = new ArrayList<String>();
            alerts(again).forEach(a -> keys.add(a.get("key").asText()));
            assertThat(keys).containsExactlyInAnyOrder("done", "span");
            await().atMost(Duration.ofSeconds(10)).until(() -> delivered.size() >= 2);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> delivered.size() == 2);
            assertThat(delivered).doesNotHaveDuplicates();
        } finally {
            receiver.stop(0);
        }
    }

    /** Starts the packaged server as a process of its own on the data folder; answers its port. */
    private int serve() throws IOException {
        process = ServeProcess.start(Map.of("VIGIL_ADMIN_TOKEN", TOKEN), "--port", "0", "--data", work.resolve("data").toString(),
                "--rules", "none");
        return process.port();
    }

    /** The ids of the events in the journal, read from the database file while no server runs. */
    private Set<String> journaled() throws IOException {
        var ids = new HashSet<String>();
        try (var database = Database.open(work.resolve("data"))) {
            try (var range = new JournalStore(database).range("fraud", Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"))) {
                while (range.hasNext()) {
                    ids.add(JSON.readTree(range.next()).get("id").asText());
                }
            }
        }
        return ids;
    }

    @Test
    void killedWhilePosting_atSeveralPoints_losesNoAcknowledgedEvent_firesWindowsThatSpanTheCrash_andStoresNoAlertTwice()
            throws Exception {
        var random = new Random(11);
        var acknowledged = ConcurrentHashMap.<String>newKeySet();
        int port = serve();
        var deployed = send(port, "PUT", "/api/v1/rulesets/fraud", toJson(Map.of("files", Map.of("fraud.drl", TestDrl.BURST))),
                "application/json");
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(200);
        for (int round = 0; round < 3; round++) {
            // Two transactions of an account that gets its third after the crash, ahead of what the client posts.
            var span = "span" + round;
            var day = T0.plus(Duration.ofDays(round));
            var base = day.plus(Duration.ofHours(12));
            for (int i = 0; i < 2; i++) {
                var id = span + "-" + i;
                assertThat(send(port, "POST", "/api/v1/events", tx(id, base.plusSeconds(i), span), "application/json").statusCode())
                        .isEqualTo(202);
                acknowledged.add(id);
            }
            // A client posting batches without pause, killed at a random point.
            var posting = new AtomicBoolean(true);
            int portNow = port;
            int r = round;
            var poster = new Thread(() -> {
                for (int i = 0; posting.get(); ) {
                    var batch = new StringBuilder();
                    var ids = new ArrayList<String>();
                    for (int k = 0; k < 20; k++, i++) {
                        var id = "r" + r + "-e" + i;
                        ids.add(id);
                        batch.append(tx(id, day.plusMillis(10L * i), "acc" + (i % 50))).append('\n');
                    }
                    try {
                        if (send(portNow, "POST", "/api/v1/events", batch.toString(), "application/x-ndjson").statusCode() == 202) {
                            acknowledged.addAll(ids);
                        }
                    } catch (IOException | InterruptedException e) {
                        return;
                    }
                }
            });
            poster.start();
            int target = acknowledged.size() + 100 + random.nextInt(400);
            await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= target);
            process.kill();
            posting.set(false);
            poster.join();

            assertThat(journaled()).as("round %d: every acknowledged event is in the journal", round).containsAll(acknowledged);

            port = serve();
            var third = span + "-2";
            assertThat(send(port, "POST", "/api/v1/events", tx(third, base.plusSeconds(2), span), "application/json").statusCode())
                    .isEqualTo(202);
            acknowledged.add(third);
            int portAfter = port;
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                var keys = new ArrayList<String>();
                alerts(portAfter).forEach(a -> keys.add(a.get("key").asText()));
                return keys.contains(span);
            });
        }
        var ids = new ArrayList<String>();
        alerts(port).forEach(a -> ids.add(a.get("id").asText()));
        assertThat(ids).as("no alert stored twice").doesNotHaveDuplicates();
        assertThat(process.output()).anyMatch(l -> l.contains("journaled events since"));
    }
}
