package dev.vigil.server;

import static dev.vigil.server.TestServer.toJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
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

    private final AtomicLong clock = new AtomicLong();
    private final AtomicLong ids = new AtomicLong();
    @TempDir
    Path data;
    private TestServer server;

    @AfterEach
    void stop() {
        server.close();
    }

    private boolean post(String account) throws Exception {
        var time = T0.plusMillis(clock.addAndGet(10));
        var body = "{\"type\": \"Transaction\", \"id\": \"e" + ids.incrementAndGet() + "\", \"time\": \"" + time
                + "\", \"accountId\": \"" + account + "\"}";
        return server.post("/api/v1/events", body).statusCode() == 202;
    }

    private String deploy(String message) throws Exception {
        return toJson(Map.of("files", Map.of("fraud.drl", DRL.formatted(message)), "settings", Map.of("lateness", "1s")));
    }

    @Test
    void redeployWhileEventsFlow_countsEveryAcceptedEvent_andAWindowSpanningItFires() throws Exception {
        server = TestServer.start(data);
        assertThat(server.put("/api/v1/rulesets/fraud", deploy("version one")).statusCode()).isEqualTo(200);
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

        assertThat(server.put("/api/v1/rulesets/fraud", deploy("version two")).statusCode()).isEqualTo(200);

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
        assertThat(alert.get("context").get("events").asInt()).as("the window's six events, three from each version").isEqualTo(6);
        assertThat(accepted.get()).as("the other client kept posting").isPositive();
    }

    private JsonNode stats() throws Exception {
        return server.getJson("/api/v1/rulesets/fraud").get("stats");
    }

    private List<JsonNode> alertsFor(String key) throws Exception {
        var out = new ArrayList<JsonNode>();
        server.getJson("/api/v1/alerts?key=" + key).get("alerts").forEach(out::add);
        return out;
    }
}
