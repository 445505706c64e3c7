package dev.vigil.server;

import static dev.vigil.server.TestServer.ADMIN_TOKEN;
import static dev.vigil.server.TestServer.JSON;
import static dev.vigil.server.TestServer.toJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.engine.api.AlertBudget;
import dev.vigil.server.http.InputLimits;
import dev.vigil.server.http.StreamClient;
import dev.vigil.server.store.Database;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One rule set's alert flood against the server: it is failed at its budget and stays failed
 * across a restart, it never costs another rule set an alert, a stop does not wait for it, and a
 * live-stream client that stops reading holds up nobody.
 */
class AlertFloodIT {
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    /** {@code flood.Ping}: raises {@code n} alerts, each about another key. */
    private static final String SPRAY = """
            package flood;
            declare Ping
                @role(event)
                @timestamp(time)
                @expires(1h)
                id : String
                time : long
                n : int
            end
            rule "spray"
            when
                $p : Ping()
            then
                for (int i = 0; i < $p.getN(); i++) {
                    alerts.raise($p.getId() + "-" + i, "alert " + i);
                }
            end
            """;
    /** {@code fraud.Transaction}: an alert for every transaction, its note as the message. */
    private static final String EACH = """
            package fraud;
            declare Transaction
                @role(event)
                @timestamp(time)
                @expires(1h)
                id : String
                time : long
                amount : double
                note : String
            end
            rule "each"
            when
                $t : Transaction()
            then
                alerts.raise($t.getId(), $t.getNote());
            end
            """;

    @TempDir
    Path data;
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private ServerConfig config(AlertBudget budget) {
        return TestServer.config(data).withRules(ServerConfig.RuleLimits.DEFAULTS.withAlertBudget(budget));
    }

    private void deploy(String name, String drl) throws IOException, InterruptedException {
        var deployed = server.put("/api/v1/rulesets/" + name, toJson(Map.of("files", Map.of(name + ".drl", drl))));
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(200);
    }

    private HttpResponse<String> post(String ruleSet, List<String> events) throws IOException, InterruptedException {
        return server.post("/api/v1/events?ruleset=" + ruleSet, "[" + String.join(",", events) + "]");
    }

    private static String ping(String id, int n) {
        return "{\"type\": \"Ping\", \"id\": \"" + id + "\", \"time\": \"" + T0 + "\", \"n\": " + n + "}";
    }

    private static List<String> transactions(String prefix, int count, String note) {
        var out = new ArrayList<String>();
        for (int i = 0; i < count; i++) {
            out.add("{\"type\": \"Transaction\", \"id\": \"" + prefix + i + "\", \"time\": \"" + T0.plusMillis(i) + "\", \"amount\": 1,"
                    + " \"note\": \"" + note + "\"}");
        }
        return out;
    }

    /** The alerts of {@code ruleSet} stored, page after page. */
    private int stored(String ruleSet) throws IOException, InterruptedException {
        int count = 0;
        for (var page = server.getJson("/api/v1/alerts?limit=1000&ruleset=" + ruleSet); ; ) {
            count += page.get("alerts").size();
            if (page.get("next").isNull()) {
                return count;
            }
            page = server.getJson("/api/v1/alerts?limit=1000&ruleset=" + ruleSet + "&cursor=" + page.get("next").asText());
        }
    }

    /** The sum of a metric's samples for {@code ruleSet} (all when null), 0 when it has none. */
    private double metric(String name, String ruleSet) throws IOException, InterruptedException {
        double sum = 0;
        for (var line : server.get("/metrics").body().split("\n")) {
            if ((line.startsWith(name + "{") || line.startsWith(name + " "))
                    && (ruleSet == null || line.contains("ruleset=\"" + ruleSet + "\""))) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private JsonNode health(String ruleSet) throws IOException, InterruptedException {
        for (var r : server.getJson("/api/v1/health").get("ruleSets")) {
            if (r.get("name").asText().equals(ruleSet)) {
                return r;
            }
        }
        throw new AssertionError("no rule set '" + ruleSet + "' in the health");
    }

    private static String floodReason(String event) {
        return "rule set 'flood' raised more than 1000 alerts for event '" + event + "' and was stopped (its budget is 1000 alerts"
                + " per event); rule 'spray' raised the most: 1001. Deploy a fixed version to bring the rule set back";
    }

    @Test
    void aRuleSetOverItsBudget_isFailedWithTheReason_andEveryAlertOfAnotherRuleSetIsStored() throws Exception {
        server = TestServer.start(config(AlertBudget.DEFAULTS));
        deploy("flood", SPRAY);
        deploy("fraud", EACH);

        assertThat(post("flood", List.of(ping("poison", 1_000_000))).statusCode()).isEqualTo(202);
        for (var transaction : transactions("t", 40, "fine")) {
            assertThat(post("fraud", List.of(transaction)).statusCode()).isEqualTo(202);
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> stored("fraud") == 40);
        await().atMost(Duration.ofSeconds(30)).until(() -> health("flood").get("state").asText().equals("failed"));
        assertThat(health("flood").get("reason").asText()).isEqualTo(floodReason("poison"));
        assertThat(server.getJson("/api/v1/health").get("status").asText()).isEqualTo("degraded");
        var described = server.getJson("/api/v1/rulesets/flood");
        assertThat(described.get("state").asText()).isEqualTo("failed");
        assertThat(described.get("reason").asText()).isEqualTo(floodReason("poison"));
        assertThat(described.get("alertBudget")).isEqualTo(JSON.readTree("{\"perEvent\": 1000, \"perSecond\": 10000}"));
        await().atMost(Duration.ofSeconds(30)).until(() -> stored("flood") == 1000);
        assertThat(metric("vigil_alerts_over_budget_total", "flood")).isEqualTo(1_000_000 - 1000);
        assertThat(metric("vigil_rulesets_failed_total", "flood")).isEqualTo(1);
        var refused = post("flood", List.of(ping("after", 1)));
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.body()).contains("rule_set_failed", floodReason("poison"));
    }

    @Test
    void aRuleSetsOwnAlertBudget_isTakenBelowTheServers_cappedByIt_andAZeroIsRefused() throws Exception {
        server = TestServer.start(config(new AlertBudget(50, 10_000)));
        var settings = Map.of("maxAlertsPerEvent", 5, "maxAlertsPerSecond", 1_000_000);

        var deployed = server.put("/api/v1/rulesets/flood", toJson(Map.of("files", Map.of("flood.drl", SPRAY),
                "settings", settings)));
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(200);
        assertThat(server.getJson("/api/v1/rulesets/flood").get("alertBudget"))
                .isEqualTo(JSON.readTree("{\"perEvent\": 5, \"perSecond\": 10000}"));
        assertThat(server.getJson("/api/v1/rulesets/flood").get("settings").get("maxAlertsPerEvent").asInt()).isEqualTo(5);
        var zero = server.put("/api/v1/rulesets/flood", toJson(Map.of("files", Map.of("flood.drl", SPRAY),
                "settings", Map.of("maxAlertsPerEvent", 0))));
        assertThat(zero.statusCode()).isEqualTo(400);
        assertThat(zero.body()).contains("settings.maxAlertsPerEvent", "must be between 1 and 1000000, was 0");

        post("flood", List.of(ping("p", 6)));

        await().atMost(Duration.ofSeconds(30)).until(() -> health("flood").get("state").asText().equals("failed"));
        assertThat(health("flood").get("reason").asText()).contains("more than 5 alerts for event 'p'");
    }

    @Test
    void aRuleSetRaisingFasterThanTheDatabaseStores_waitsItself_whileAnotherRuleSetsAlertsAreStored() throws Exception {
        server = TestServer.start(config(new AlertBudget(AlertBudget.MOST, AlertBudget.MOST)));
        deploy("flood", SPRAY);
        deploy("fraud", EACH);
        int flood = 100_000;

        post("flood", List.of(ping("wave", flood)));
        await().atMost(Duration.ofSeconds(30)).until(() -> metric("vigil_alerts_total", "flood") > 0);
        post("fraud", transactions("t", 40, "fine"));

        await().atMost(Duration.ofSeconds(30)).until(() -> metric("vigil_alerts_total", "fraud") == 40);
        assertThat(metric("vigil_alerts_total", "flood")).as("the flood's backlog is not ahead of them").isLessThan(flood);
        assertThat(stored("fraud")).isEqualTo(40);
        await().atMost(Duration.ofSeconds(120)).until(() -> metric("vigil_alerts_total", "flood") == flood);
        assertThat(metric("vigil_alerts_backpressure_seconds_total", "flood")).as("the flood waited for room").isPositive();
        assertThat(health("flood").get("state").asText()).isEqualTo("running");
    }

    @Test
    void aFailedRuleSet_staysFailedAcrossARestart_withoutItsJournalReplayed_untilAnotherVersionIsDeployed() throws Exception {
        var config = config(AlertBudget.DEFAULTS);
        server = TestServer.start(config);
        deploy("flood", SPRAY);
        post("flood", List.of(ping("p1", 5)));
        post("flood", List.of(ping("poison", 1_000_000)));
        await().atMost(Duration.ofSeconds(30)).until(() -> health("flood").get("state").asText().equals("failed"));
        await().atMost(Duration.ofSeconds(30)).until(() -> stored("flood") == 1005);
        server.close();

        server = TestServer.start(config);

        assertThat(health("flood").get("state").asText()).isEqualTo("failed");
        assertThat(health("flood").get("reason").asText()).isEqualTo(floodReason("poison"));
        var described = server.getJson("/api/v1/rulesets/flood");
        assertThat(described.get("version").asInt()).isEqualTo(1);
        assertThat(described.get("stats").get("eventsProcessed").asLong()).as("the journal is not replayed into it").isZero();
        assertThat(metric("vigil_rulesets_failed_total", "flood")).as("it did not fail again").isZero();
        assertThat(post("flood", List.of(ping("refused", 1))).statusCode()).isEqualTo(503);

        deploy("flood", SPRAY.replace("i < $p.getN()", "i < Math.min($p.getN(), 2)"));
        assertThat(health("flood").get("state").asText()).isEqualTo("running");
        post("flood", List.of(ping("p2", 1)));
        await().atMost(Duration.ofSeconds(30)).until(() -> stored("flood") == 1006);
        server.close();

        server = TestServer.start(config);
        assertThat(health("flood").get("state").asText()).as("the fixed version takes the journal, poison and all").isEqualTo("running");
        assertThat(server.getJson("/api/v1/rulesets/flood").get("stats").get("eventsProcessed").asLong()).isEqualTo(3);
        assertThat(stored("flood")).isEqualTo(1006);
    }

    @Test
    void aStopWithABacklog_returnsWithinSeconds_andTheBacklogsAlertsAreStoredAfterTheRestart() throws Exception {
        var config = config(new AlertBudget(1_000, AlertBudget.MOST));
        server = TestServer.start(config);
        // Every transaction takes its rules some milliseconds, and raises ten alerts.
        deploy("slow", EACH.replace("alerts.raise($t.getId(), $t.getNote());", """
                double x = 0;
                for (int i = 0; i < 1000000; i++) {
                    x += Math.sqrt(i);
                }
                for (int k = 0; k < 10; k++) {
                    alerts.raise($t.getId() + "-" + k, $t.getNote() + (x > 0));
                }
                """));
        int events = 3_000;
        assertThat(post("slow", transactions("s", events, "slow")).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> metric("vigil_alerts_total", "slow") > 0);

        long started = System.nanoTime();
        server.close();
        var took = Duration.ofNanos(System.nanoTime() - started);
        server = null;

        assertThat(took).isLessThan(Duration.ofSeconds(8));
        assertThat(count("slow")).as("a backlog was left").isLessThan(events * 10);
        server = TestServer.start(config);
        await().atMost(Duration.ofSeconds(120)).until(() -> metric("vigil_alerts_total", "slow") >= events * 10);
        server.close();
        server = null;
        assertThat(count("slow")).isEqualTo(events * 10);
    }

    /** The alerts of {@code ruleSet} in the database, read while no server runs. */
    private long count(String ruleSet) throws SQLException {
        try (var database = Database.open(data); var c = database.dataSource().getConnection();
             var s = c.prepareStatement("SELECT COUNT(*) FROM alert WHERE rule_set = ?")) {
            s.setString(1, ruleSet);
            try (var r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    @Test
    void aStreamClientThatStopsReading_neverHoldsUpStoringAlerts_andIsDroppedWithAnOverflowEvent() throws Exception {
        // A long request timeout: the server does not give up on the client that stops reading while the test runs.
        server = TestServer.start(config(new AlertBudget(1_000, AlertBudget.MOST))
                .withInput(InputLimits.DEFAULTS.withRequestTimeout(Duration.ofMinutes(5))));
        deploy("fraud", EACH);
        try (var client = new Socket()) {
            client.setReceiveBufferSize(4096);
            client.setSoTimeout((int) Duration.ofSeconds(60).toMillis());
            client.connect(new InetSocketAddress("127.0.0.1", server.port()));
            // HTTP/1.0: the stream's body is not chunked, and ends when the server closes the connection.
            client.getOutputStream().write(("GET /api/v1/alerts/stream HTTP/1.0\r\nAccept: text/event-stream\r\n"
                    + "Authorization: Bearer " + ADMIN_TOKEN + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            var in = client.getInputStream();
            var head = new StringBuilder();
            while (!head.toString().contains("connected")) {
                int b = in.read();
                assertThat(b).as("the stream's start: %s", head).isNotNegative();
                head.append((char) b);
            }
            assertThat(head.toString()).contains(" 200 ");
            // The client reads no more: at two kilobytes an alert, the stream's data fills every buffer on the way.
            var note = "x".repeat(2_000);
            int alerts = 2 * StreamClient.BUFFER;
            for (int batch = 0; batch < alerts / 1_000; batch++) {
                assertThat(post("fraud", transactions("b" + batch + "-", 1_000, note)).statusCode()).isEqualTo(202);
            }

            await().atMost(Duration.ofSeconds(60)).until(() -> metric("vigil_alerts_total", "fraud") == alerts);
            assertThat(stored("fraud")).isEqualTo(alerts);
            assertThat(metric("vigil_alert_streams_dropped_total", null)).isEqualTo(1);

            var rest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(rest).contains("event: overflow", "stream_overflow", "fell " + StreamClient.BUFFER + " alerts behind");
            assertThat(rest.indexOf("event: overflow")).isGreaterThan(rest.lastIndexOf("event: alert"));
        }
    }
}
