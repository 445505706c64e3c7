package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A redeploy while another client posts events without pause. */
class RedeployUnderLoadIT {
    private static final String TOKEN = "load-token";
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final String DRL = """
            package fraud;
            declare Transaction
                @role(event)
                @timestamp(time)
                id : String
                time : long
                accountId : String
            end
            rule "burst"
            when
                $t : Transaction($acc : accountId) over window:time(60s)
                Number(intValue > 5) from accumulate(Transaction(accountId == $acc) over window:time(60s), count(1))
            then
                alerts.raise($acc, "%s");
            end
            """;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicLong clock = new AtomicLong();
    private final AtomicLong ids = new AtomicLong();
    @TempDir
    Path data;
    private VigilServer server;

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private boolean post(String account) throws Exception {
        var time = T0.plusMillis(clock.addAndGet(10));
        var body = "{\"type\": \"Transaction\", \"id\": \"e" + ids.incrementAndGet() + "\", \"time\": \"" + time
                + "\", \"accountId\": \"" + account + "\"}";
        return send("POST", "/api/v1/events", body).statusCode() == 202;
    }

    private String deploy(String message) throws Exception {
        return json.writeValueAsString(Map.of("files", Map.of("fraud.drl", DRL.formatted(message)), "settings", Map.of("lateness", "1s")));
    }

    @Test
    void redeployWhileEventsFlow_countsEveryAcceptedEvent_andAWindowSpanningItFires() throws Exception {
        server = VigilServer.start(ServerConfig.defaults(data).withPort(0).withAdminToken(TOKEN));
        assertThat(send("PUT", "/api/v1/rulesets/fraud", deploy("version one")).statusCode()).isEqualTo(200);
        var accepted = new AtomicLong();
        var running = new AtomicBoolean(true);
        var background = new Thread(() -> {
            try {
                for (int i = 0; running.get(); i++) {
                    if (post("other-" + i)) {
                        accepted.incrementAndGet();
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        background.start();
        long mine = 0;
        for (int i = 0; i < 3; i++) {
            mine += post("a1") ? 1 : 0;
        }

        assertThat(send("PUT", "/api/v1/rulesets/fraud", deploy("version two")).statusCode()).isEqualTo(200);

        for (int i = 0; i < 3; i++) {
            mine += post("a1") ? 1 : 0;
        }
        running.set(false);
        background.join();
        clock.addAndGet(3_600_000);
        mine += post("flush") ? 1 : 0;
        long total = accepted.get() + mine;

        await().atMost(Duration.ofSeconds(20)).until(() -> stats().get("eventsProcessed").asLong() == total);
        await().atMost(Duration.ofSeconds(20)).until(() -> alertsFor("a1").size() == 1);
        var alert = alertsFor("a1").get(0);
        assertThat(alert.get("version").asInt()).isEqualTo(2);
        assertThat(alert.get("message").asText()).isEqualTo("version two");
        assertThat(alert.get("evidence")).hasSize(6);
        assertThat(accepted.get()).as("the other client kept posting").isPositive();
    }

    private JsonNode stats() throws Exception {
        return json.readTree(send("GET", "/api/v1/rulesets/fraud", null).body()).get("stats");
    }

    private List<JsonNode> alertsFor(String key) throws Exception {
        var out = new ArrayList<JsonNode>();
        json.readTree(send("GET", "/api/v1/alerts?key=" + key, null).body()).get("alerts").forEach(out::add);
        return out;
    }
}
