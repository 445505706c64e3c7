package dev.vigil.server;

import static dev.vigil.server.TestServer.ADMIN_TOKEN;
import static dev.vigil.server.TestServer.JSON;
import static dev.vigil.server.TestServer.read;
import static dev.vigil.server.TestServer.toJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.server.http.InputLimits;
import dev.vigil.server.store.Database;
import dev.vigil.server.store.JournalStore;
import dev.vigil.server.webhook.AddressPolicy;
import dev.vigil.server.webhook.Webhooks;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real server on port 0 with a temporary H2 database, driven over HTTP. */
class ServerIT {
    private static final String DRL = TestDrl.TRANSACTION + """
            rule "large"
                @severity("high")
            when
                Transaction(amount > %s, $acc : accountId) over window:time(1m)
            then
                alerts.raise($acc, "large transaction");
            end
            """;

    /**
     * Reads a stream on a thread of its own: thenAccept would read it on the calling thread when the
     * answer is already there, and never return.
     */
    private static final Executor OWN_THREAD = task -> {
        var thread = new Thread(task, "stream-reader");
        thread.setDaemon(true);
        thread.start();
    };
    @TempDir
    Path data;
    private TestServer server;

    private TestServer start() {
        server = TestServer.start(data);
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private String deployBody(String threshold) throws IOException {
        return toJson(Map.of("files", Map.of("fraud.drl", DRL.formatted(threshold)),
                "settings", Map.of("lateness", "1s")));
    }

    private static String event(String id, String time, String account, double amount) {
        return "{\"type\": \"Transaction\", \"id\": \"" + id + "\", \"time\": \"" + time + "\", \"accountId\": \"" + account
                + "\", \"amount\": " + amount + "}";
    }

    @Test
    void deployPostAndReadTheAlertBack() throws Exception {
        start();
        var deployed = server.put("/api/v1/rulesets/fraud", deployBody("1000"));
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(200);
        assertThat(read(deployed).get("version").asInt()).isEqualTo(1);
        assertThat(read(deployed).get("eventTypes").get(0).get("name").asText()).isEqualTo("Transaction");

        var posted = server.post("/api/v1/events", "[" + event("t1", "2026-11-20T10:00:00Z", "a1", 5000) + ","
                + event("t2", "2026-11-20T10:00:01Z", "a2", 10) + "]");
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        assertThat(read(posted).get("accepted").asInt()).isEqualTo(2);

        server.awaitAlerts(1);
        var alert = server.getJson("/api/v1/alerts").get("alerts").get(0);
        assertThat(alert.get("key").asText()).isEqualTo("a1");
        assertThat(alert.get("severity").asText()).isEqualTo("high");
        assertThat(alert.get("evidence").get(0).asText()).isEqualTo("t1");
        assertThat(alert.get("context")).as("a rule of one pattern consults nothing else").isEqualTo(JSON.readTree("{\"events\": 0, \"ids\": []}"));
        var one = server.get("/api/v1/alerts/" + alert.get("id").asText());
        assertThat(read(one).get("ruleSet").asText()).isEqualTo("fraud");
    }

    @Test
    void alertStream_sendsEachAlertAsItFires_andAnAckIsKept() throws Exception {
        start();
        server.put("/api/v1/rulesets/fraud", deployBody("1000"));
        var lines = new CopyOnWriteArrayList<String>();
        var stream = HttpRequest.newBuilder(server.uri("/api/v1/alerts/stream?severity=high"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Accept", "text/event-stream").build();
        TestServer.HTTP.sendAsync(stream, HttpResponse.BodyHandlers.ofLines()).thenAcceptAsync(r -> r.body().forEach(lines::add), OWN_THREAD);
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains(": connected"));

        server.post("/api/v1/events", event("t1", "2026-11-20T10:00:00Z", "a1", 5000));

        await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream().anyMatch(l -> l.startsWith("data:")));
        assertThat(lines).contains("event: alert");
        var data = JSON.readTree(lines.stream().filter(l -> l.startsWith("data:")).findFirst().orElseThrow().substring(5));
        assertThat(data.get("key").asText()).isEqualTo("a1");
        assertThat(data.get("context")).isEqualTo(JSON.readTree("{\"events\": 0, \"ids\": []}"));
        var id = data.get("id").asText();
        assertThat(lines).contains("id: " + id);

        var acked = server.post("/api/v1/alerts/" + id + "/ack", null);
        assertThat(acked.statusCode()).isEqualTo(200);
        assertThat(read(acked).get("acked").asBoolean()).isTrue();
        assertThat(server.post("/api/v1/alerts/nope/ack", null).statusCode()).isEqualTo(404);
        assertThat(server.send("GET", "/api/v1/alerts/stream", null, "application/json", null).statusCode()).isEqualTo(401);
    }

    @Test
    void cloudEvents_inStructuredBatchAndBinaryMode_areAccepted() throws Exception {
        start();
        server.put("/api/v1/rulesets/fraud", deployBody("1000"));
        var structured = """
                {"specversion": "1.0", "id": "c1", "source": "/cards", "type": "com.acme.Transaction",
                 "time": "2026-11-20T10:00:00Z", "data": {"accountId": "a1", "amount": 5000}}""";
        var batch = """
                [{"specversion": "1.0", "id": "c2", "source": "/cards", "type": "Transaction",
                  "time": "2026-11-20T10:00:01Z", "data": {"accountId": "a2", "amount": 6000}}]""";

        assertThat(server.send("POST", "/api/v1/events", structured, "application/cloudevents+json", ADMIN_TOKEN).statusCode()).isEqualTo(202);
        assertThat(server.send("POST", "/api/v1/events", batch, "application/cloudevents-batch+json", ADMIN_TOKEN).statusCode()).isEqualTo(202);
        var binary = HttpRequest.newBuilder(server.uri("/api/v1/events"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"accountId\": \"a3\", \"amount\": 7000}"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + ADMIN_TOKEN)
                .header("ce-specversion", "1.0").header("ce-id", "c3").header("ce-source", "/cards")
                .header("ce-type", "Transaction").header("ce-time", "2026-11-20T10:00:02Z").build();
        assertThat(TestServer.HTTP.send(binary, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(202);

        server.awaitAlerts(3);
        var evidence = new TreeSet<String>();
        server.getJson("/api/v1/alerts").get("alerts").forEach(a -> evidence.add(a.get("evidence").get(0).asText()));
        assertThat(evidence).containsExactly("c1", "c2", "c3");

        var missing = server.send("POST", "/api/v1/events", "{\"specversion\": \"1.0\", \"type\": \"Transaction\"}",
                "application/cloudevents+json", ADMIN_TOKEN);
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(read(missing).get("details")).extracting(d -> d.get("field").asText()).containsExactly("id", "source");
    }

    @Test
    void metrics_inPrometheusText_countEventsAlertsAndRequests() throws Exception {
        start();
        server.put("/api/v1/rulesets/fraud", deployBody("1000"));
        server.post("/api/v1/events", "[" + event("t1", "2026-11-20T10:00:00Z", "a1", 5000) + ","
                + event("t2", "2026-11-20T10:00:01Z", "a2", 10) + "]");
        server.post("/api/v1/events", "{\"type\": \"Refund\"}");
        server.awaitAlerts(1);

        var metrics = server.send("GET", "/metrics", null, "text/plain", null);

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
                .contains("vigil_events_accepted_total{ruleset=\"fraud\"} 2.0")
                .contains("vigil_events_rejected_total 1.0")
                .contains("vigil_alerts_total{rule=\"large\",ruleset=\"fraud\"} 1.0")
                .contains("vigil_queue_depth{ruleset=\"fraud\"}")
                .contains("vigil_http_requests_seconds_count{method=\"POST\",route=\"/api/v1/events\",status=\"202\"} 1")
                .contains("vigil_ingestion_latency_seconds_count{ruleset=\"fraud\"}")
                .contains("vigil_rules_processing_seconds_count{ruleset=\"fraud\"}")
                .contains("vigil_alerts_delay_seconds_count 1")
                .contains("jvm_memory_used_bytes");
    }

    @Test
    void ndjsonEvents_areAccepted() throws Exception {
        start();
        server.put("/api/v1/rulesets/fraud", deployBody("1000"));
        var body = event("t1", "2026-11-20T10:00:00Z", "a1", 5000) + "\n" + event("t2", "2026-11-20T10:00:01Z", "a2", 7000) + "\n";

        var posted = server.send("POST", "/api/v1/events", body, "application/x-ndjson", ADMIN_TOKEN);

        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        server.awaitAlerts(2);
    }

    @Test
    void ndjson_withCrlfAndBlankLines_isAccepted_andABadLineIs400NamingIt_withNoneIngested() throws Exception {
        start();
        server.put("/api/v1/rulesets/fraud", deployBody("1000"));
        var good = "\r\n" + event("t1", "2026-11-20T10:00:00Z", "a1", 5000) + "\r\n  \r\n\t" + event("t2", "2026-11-20T10:00:01Z", "a2", 10) + " ";

        var posted = server.send("POST", "/api/v1/events", good, "application/x-ndjson", ADMIN_TOKEN);
        var bad = server.send("POST", "/api/v1/events", event("t3", "2026-11-20T10:00:02Z", "a3", 5000) + "\n\n{\"type\": \"Transaction\",\n",
                "application/x-ndjson", ADMIN_TOKEN);

        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        assertThat(read(posted).get("accepted").asInt()).isEqualTo(2);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(read(bad).get("error").asText()).isEqualTo("bad_json");
        assertThat(read(bad).get("details").get(0).get("line").asInt()).isEqualTo(3);
        // One more event, queued behind anything the bad request might have left: the count stops at 3.
        server.post("/api/v1/events", event("t9", "2026-11-20T10:00:09Z", "a9", 10));
        await().atMost(Duration.ofSeconds(10)).until(() -> processed("fraud") == 3);
        assertThat(processed("fraud")).isEqualTo(3);
    }

    private long processed(String ruleSet) throws IOException, InterruptedException {
        return server.getJson("/api/v1/rulesets/" + ruleSet).get("stats").get("eventsProcessed").asLong();
    }

    @Test
    void anEventFollowedByMoreText_isNotJson() throws Exception {
        start();
        server.put("/api/v1/rulesets/fraud", deployBody("1000"));

        var response = server.post("/api/v1/events", event("t1", "2026-11-20T10:00:00Z", "a1", 5000) + " {\"id\": \"t2\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(read(response).get("error").asText()).isEqualTo("bad_json");
    }

    private static final String VELOCITY_YAML = """
            rule: velocity
            severity: critical
            when:
              pattern: count
              event: Transaction
              per: accountId
              count: ">= 2"
              within: 1m
            then:
              message: "{accountId}: {count} transactions"
            """;

    @Test
    void ruleLanguageFile_deploysWithTheDrl_alerts_andShowsItsGeneratedDrl() throws Exception {
        start();
        var deployed = server.put("/api/v1/rulesets/fraud", toJson(Map.of("files",
                Map.of("fraud.drl", DRL.formatted("1000"), "velocity.rule.yaml", VELOCITY_YAML))));
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(200);

        server.post("/api/v1/events", "[" + event("t1", "2026-11-20T10:00:00Z", "a1", 5) + ","
                + event("t2", "2026-11-20T10:00:30Z", "a1", 5) + "]");
        await().atMost(Duration.ofSeconds(10)).until(() -> server.getJson("/api/v1/alerts?rule=velocity").get("alerts").size() == 1);
        var alert = server.getJson("/api/v1/alerts?rule=velocity").get("alerts").get(0);
        assertThat(alert.get("severity").asText()).isEqualTo("critical");
        assertThat(alert.get("message").asText()).isEqualTo("a1: 2 transactions");
        assertThat(alert.get("attributes").get("count").asInt()).isEqualTo(2);

        var plain = server.getJson("/api/v1/rulesets/fraud");
        assertThat(plain.has("generated")).isFalse();
        assertThat(plain.get("files").has("velocity.rule.yaml")).isTrue();
        var generated = server.getJson("/api/v1/rulesets/fraud?generated=true").get("generated").get("velocity.rule.yaml").asText();
        assertThat(generated).contains("rule \"velocity\"", "// velocity.rule.yaml:1: velocity", "over window:time(1m)");
    }

    @Test
    void ruleLanguageErrors_areDiagnosticsOfValidateAndDeploy_andTheRunningVersionStays() throws Exception {
        start();
        server.put("/api/v1/rulesets/fraud", deployBody("1000"));
        var files = Map.of("fraud.drl", DRL.formatted("1000"), "velocity.rule.yaml",
                VELOCITY_YAML.replace("per: accountId", "per: account").replace("1m", "one minute"));

        var validated = read(server.post("/api/v1/rulesets/fraud/validate", toJson(Map.of("files", files))));
        assertThat(validated.get("valid").asBoolean()).isFalse();
        var diagnostics = validated.get("diagnostics");
        assertThat(diagnostics).hasSize(2);
        assertThat(diagnostics.get(0).get("file").asText()).isEqualTo("velocity.rule.yaml");
        assertThat(diagnostics.get(0).get("line").asInt()).isEqualTo(6);
        assertThat(diagnostics.get(0).get("column").asInt()).isEqualTo(8);
        assertThat(diagnostics.get(0).get("message").asText()).startsWith("per: Transaction has no field 'account'");
        assertThat(diagnostics.get(1).get("line").asInt()).isEqualTo(8);
        assertThat(diagnostics.get(1).get("message").asText()).startsWith("within: 'one minute' is not a duration");

        var deployed = server.put("/api/v1/rulesets/fraud", toJson(Map.of("files", files)));
        assertThat(deployed.statusCode()).isEqualTo(422);
        assertThat(read(deployed).get("details")).hasSize(2);
        assertThat(server.getJson("/api/v1/rulesets/fraud").get("version").asInt()).isEqualTo(1);
    }

    @Test
    void classReactiveRule_deploysWithItsWarning_listedByDeployValidateAndTheRuleSet() throws Exception {
        start();
        var files = Map.of("fraud.drl", TestDrl.TRANSACTION + """
                function double twice(double v) { return 2 * v; }
                rule "doubled"
                when
                    Transaction($acc : accountId, $amount : amount) over window:time(1m)
                    Transaction(accountId == $acc, twice($amount) + amount > 3000) over window:time(1m)
                then
                end
                """);

        var deployed = server.put("/api/v1/rulesets/fraud", toJson(Map.of("files", files)));
        var validated = read(server.post("/api/v1/rulesets/fraud/validate", toJson(Map.of("files", files))));
        var view = server.getJson("/api/v1/rulesets/fraud");

        assertThat(deployed.statusCode()).isEqualTo(200);
        var warnings = read(deployed).get("warnings");
        assertThat(warnings).hasSize(1);
        var warning = warnings.get(0);
        assertThat(warning.get("level").asText()).isEqualTo("warning");
        assertThat(warning.get("file").asText()).isEqualTo("fraud.drl");
        assertThat(warning.get("rule").asText()).isEqualTo("doubled");
        assertThat(warning.get("line").asInt()).isEqualTo(14);
        assertThat(warning.get("column").asInt()).isEqualTo(42);
        assertThat(warning.get("message").asText()).startsWith("rule \"doubled\": $amount is bound in another pattern");
        assertThat(validated.get("valid").asBoolean()).isTrue();
        assertThat(validated.get("diagnostics")).containsExactly(warning);
        assertThat(view.get("warnings")).containsExactly(warning);
    }

    @Test
    void invalidRuleSet_is422WithLines_andThePreviousVersionKeepsAlerting() throws Exception {
        start();
        server.put("/api/v1/rulesets/fraud", deployBody("1000"));

        var broken = server.put("/api/v1/rulesets/fraud", toJson(Map.of("files",
                Map.of("fraud.drl", DRL.formatted("1000").replace("$acc : accountId", "$acc : acount")))));

        assertThat(broken.statusCode()).isEqualTo(422);
        var error = read(broken);
        assertThat(error.get("error").asText()).isEqualTo("rules_do_not_compile");
        assertThat(error.get("details").get(0).get("file").asText()).isEqualTo("fraud.drl");
        assertThat(error.get("details").get(0).get("line").asInt()).isPositive();
        server.post("/api/v1/events", event("t1", "2026-11-20T10:00:00Z", "a1", 5000));
        server.awaitAlerts(1);
        assertThat(server.getJson("/api/v1/rulesets/fraud").get("version").asInt()).isEqualTo(1);
    }

    @Test
    void ruleThatExitsTheJvm_is422AtItsLine_forDeployValidateAndReplay_unlessUnsafeRulesAreAllowed() throws Exception {
        var unsafe = toJson(Map.of("files", Map.of("fraud.drl",
                DRL.formatted("1000").replace("alerts.raise($acc, \"large transaction\");", "System.exit(3);"))));
        start();

        var deployed = server.put("/api/v1/rulesets/fraud", unsafe);
        var validated = read(server.post("/api/v1/rulesets/fraud/validate", unsafe));
        var replayed = server.post("/api/v1/replays", unsafe.replaceFirst("\\{", "{\"events\": [],"));

        assertThat(deployed.statusCode()).isEqualTo(422);
        var detail = read(deployed).get("details").get(0);
        var lines = DRL.lines().toList();
        assertThat(detail.get("line").asInt()).isEqualTo(lines.indexOf(lines.stream().filter(l -> l.contains("alerts.raise")).findFirst().orElseThrow()) + 1);
        assertThat(detail.get("message").asText()).contains("rule code may not use java.lang.System");
        assertThat(validated.get("valid").asBoolean()).isFalse();
        assertThat(replayed.statusCode()).isEqualTo(422);
        server.close();
        server = TestServer.start(TestServer.config(data).withAllowUnsafeRules(true));
        assertThat(server.post("/api/v1/rulesets/fraud/validate", unsafe).body()).contains("\"valid\":true");
    }

    @Test
    void ruleSetWhoseRuleNeverReturns_isFailedWithTheRule_refusesItsEvents_andTheRestKeepsWorking() throws Exception {
        server = TestServer.start(TestServer.config(data)
                .withRules(new ServerConfig.RuleLimits(false, Duration.ofMillis(500), 1_000_000)));
        server.put("/api/v1/rulesets/fraud", deployBody("1000"));
        var looping = server.put("/api/v1/rulesets/loop", toJson(Map.of("files", Map.of("loop.drl", """
                package loop;
                declare Ping @role(event) @timestamp(time) @expires(1m) id : String time : long n : int end
                rule "spin" when $p : Ping() then long i = $p.getN() + 1; while (i > 0) { i = (i % 1000) + 1; } end
                """))));
        assertThat(looping.statusCode()).as(looping.body()).isEqualTo(200);

        server.post("/api/v1/events", "{\"type\": \"Ping\", \"id\": \"p1\", \"n\": 1}");

        await().atMost(Duration.ofSeconds(20)).until(() -> server.getJson("/api/v1/rulesets/loop").get("stats")
                .get("status").get("state").asText().equals("FAILED"));
        var refused = server.post("/api/v1/events", "{\"type\": \"Ping\", \"id\": \"p2\", \"n\": 1}");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(read(refused).get("message").asText()).isEqualTo("event 0 ('Ping') goes to rule set 'loop', which is failed: rule"
                + " 'spin' did not return for 500 ms (an endless loop?); deploy a fixed version to bring the rule set back;"
                + " none of the events was accepted");
        assertThat(server.post("/api/v1/events", event("t1", "2026-11-20T10:00:00Z", "a1", 5000)).statusCode()).isEqualTo(202);
        server.awaitAlerts(1);
        assertThat(server.send("GET", "/api/v1/health", null, "application/json", null).statusCode()).isEqualTo(200);
    }

    @Test
    void requestsOverTheInputLimits_areRefusedSayingWhich_andNothingOfThemIsTaken() throws Exception {
        server = TestServer.start(TestServer.config(data)
                .withInput(new InputLimits(3, 6, 20, 2, 10_000)));
        server.put("/api/v1/rulesets/fraud", deployBody("1000"));

        var many = server.post("/api/v1/events", "[" + String.join(",", event("t1", "2026-11-20T10:00:00Z", "a1", 1),
                event("t2", "2026-11-20T10:00:01Z", "a1", 1), event("t3", "2026-11-20T10:00:02Z", "a1", 1),
                event("t4", "2026-11-20T10:00:03Z", "a1", 1)) + "]");
        var longText = server.post("/api/v1/events", "[" + event("t5", "2026-11-20T10:00:04Z", "a1", 1) + ","
                + event("t6", "2026-11-20T10:00:05Z", "a".repeat(21), 1) + "]");
        var wide = server.post("/api/v1/events", "{\"type\": \"Transaction\", \"a\": 1, \"b\": 2, \"c\": 3, \"d\": 4, \"e\": 5, \"f\": 6}");
        var files = server.put("/api/v1/rulesets/other", toJson(Map.of("files", Map.of("a.drl", "package a;",
                "b.drl", "package a;", "c.drl", "package a;"))));
        var big = server.put("/api/v1/rulesets/other", toJson(Map.of("files", Map.of("a.drl", "// " + "x".repeat(10_000)))));

        assertThat(many.statusCode()).isEqualTo(413);
        assertThat(read(many).get("message").asText()).startsWith("4 events in one request; at most 3 are taken");
        assertThat(longText.statusCode()).isEqualTo(400);
        assertThat(read(longText).get("details")).singleElement().satisfies(d -> {
            assertThat(d.get("index").asInt()).isEqualTo(1);
            assertThat(d.get("field").asText()).isEqualTo("accountId");
            assertThat(d.get("message").asText()).isEqualTo("is 21 characters long; at most 20 are taken");
        });
        assertThat(wide.statusCode()).isEqualTo(400);
        assertThat(read(wide).get("details").get(0).get("message").asText()).isEqualTo("has 7 fields; an event may have at most 6");
        assertThat(files.statusCode()).isEqualTo(413);
        assertThat(read(files).get("message").asText()).startsWith("the rule set has 3 files; at most 2");
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(processed("fraud")).isZero();
    }

    @Test
    void aTokenOverItsRate_is429WithRetryAfter_othersAreNot_andStreamsPastTheMostAre503() throws Exception {
        server = TestServer.start(TestServer.config(data)
                .withInput(InputLimits.DEFAULTS.withStreams(1, 5)));
        var reader = read(server.post("/api/v1/tokens", toJson(Map.of("name", "reader", "scopes", List.of("alerts:read")))))
                .get("token").asText();

        var statuses = new ArrayList<Integer>();
        HttpResponse<String> refused = null;
        for (int i = 0; i < 20; i++) {
            var response = server.get("/api/v1/alerts");
            statuses.add(response.statusCode());
            if (response.statusCode() == 429) {
                refused = response;
            }
        }
        var other = server.send("GET", "/api/v1/alerts", null, "application/json", reader);

        assertThat(statuses).contains(200, 429);
        assertThat(refused).isNotNull();
        assertThat(refused.headers().firstValue("Retry-After").map(Integer::parseInt).orElseThrow()).isPositive();
        assertThat(read(refused).get("message").asText()).startsWith("token 'admin' made more than 5 requests a second");
        assertThat(other.statusCode()).isEqualTo(200);

        var lines = new CopyOnWriteArrayList<String>();
        var stream = HttpRequest.newBuilder(server.uri("/api/v1/alerts/stream"))
                .header("Authorization", "Bearer " + reader).header("Accept", "text/event-stream").build();
        TestServer.HTTP.sendAsync(stream, HttpResponse.BodyHandlers.ofLines()).thenAcceptAsync(r -> r.body().forEach(lines::add), OWN_THREAD);
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains(": connected"));
        var second = TestServer.HTTP.send(stream, HttpResponse.BodyHandlers.ofString());
        assertThat(second.statusCode()).isEqualTo(503);
        assertThat(read(second).get("error").asText()).isEqualTo("too_many_streams");
    }

    @Test
    void deploysRollbacksDeletionsAndWebhookAndTokenChanges_areInTheAuditLog_withTheirToken() throws Exception {
        server = TestServer.start(TestServer.config(data).withWebhooks(
                Webhooks.Settings.DEFAULTS.withAddresses(AddressPolicy.ANY)));
        var deployer = read(server.post("/api/v1/tokens", toJson(Map.of("name", "deployer",
                "scopes", List.of("rules:write", "rules:read"))))).get("token").asText();
        server.send("PUT", "/api/v1/rulesets/fraud", deployBody("1000"), "application/json", deployer);
        server.send("PUT", "/api/v1/rulesets/fraud", deployBody("2000"), "application/json", deployer);
        server.send("PUT", "/api/v1/rulesets/fraud", "{\"files\": {\"x.drl\": \"rule x when Nope() then end\"}}", "application/json", deployer);
        server.post("/api/v1/rulesets/fraud/rollback", "{\"version\": 1}");
        var hook = read(server.post("/api/v1/webhooks", "{\"url\": \"http://127.0.0.1:9/hook\"}")).get("id").asText();
        server.delete("/api/v1/webhooks/" + hook);
        server.delete("/api/v1/rulesets/fraud");
        server.delete("/api/v1/tokens/deployer");

        var log = server.getJson("/api/v1/audit").get("entries");
        var lines = new ArrayList<String>();
        log.forEach(e -> lines.add(e.get("actor").asText() + " " + e.get("action").asText() + " " + e.get("target").asText()
                + (e.get("detail").isNull() ? "" : " (" + e.get("detail").asText() + ")")));

        assertThat(lines).containsExactly("admin revoke token deployer", "admin undeploy fraud", "admin unsubscribe " + hook,
                "admin subscribe " + hook + " (http://127.0.0.1:9/hook)", "admin rollback fraud (version 3)",
                "deployer deploy fraud (version 2)", "deployer deploy fraud (version 1)", "admin issue token deployer");
        assertThat(server.send("GET", "/api/v1/audit", null, "application/json", null).statusCode()).isEqualTo(401);
    }

    @Test
    void aClientThatStallsInItsBody_isGivenUpAfterTheRequestTimeout_andNothingIsTaken() throws Exception {
        server = TestServer.start(TestServer.config(data)
                .withInput(InputLimits.DEFAULTS.withRequestTimeout(Duration.ofMillis(500))));
        server.put("/api/v1/rulesets/fraud", deployBody("1000"));
        var body = event("t1", "2026-11-20T10:00:00Z", "a1", 5000);

        try (var socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(20_000);
            var out = socket.getOutputStream();
            out.write(("POST /api/v1/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + ADMIN_TOKEN
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n"
                    + body.substring(0, 10)).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long started = System.nanoTime();
            // The server answers with an error or closes the connection: either way the read ends.
            var answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            long tookMillis = (System.nanoTime() - started) / 1_000_000;

            assertThat(answer).doesNotStartWith("HTTP/1.1 202");
            assertThat(tookMillis).as("given up well before the client's own 20 s").isLessThan(15_000);
        }
        assertThat(processed("fraud")).isZero();
    }

    @Test
    void badEvents_are400ListingEachByIndexAndField_andNoneIsIngested() throws Exception {
        start();
        server.put("/api/v1/rulesets/fraud", deployBody("1000"));

        var response = server.post("/api/v1/events", "[" + event("t1", "2026-11-20T10:00:00Z", "a1", 5000)
                + ", {\"type\": \"Transaction\", \"id\": \"t2\", \"amount\": \"lots\"}"
                + ", {\"type\": \"Refund\", \"id\": \"t3\"}, {\"id\": \"t4\", \"accountId\": \"a1\"}]");

        assertThat(response.statusCode()).isEqualTo(400);
        var details = read(response).get("details");
        assertThat(details).hasSize(3);
        assertThat(details.get(2).get("index").asInt()).isEqualTo(3);
        assertThat(details.get(2).get("field").asText()).isEqualTo("type");
        assertThat(details.get(0).get("index").asInt()).isEqualTo(1);
        assertThat(details.get(0).get("field").asText()).isEqualTo("amount");
        assertThat(details.get(1).get("index").asInt()).isEqualTo(2);
        assertThat(details.get(1).get("field").asText()).isEqualTo("type");
        assertThat(server.post("/api/v1/events", "{not json").statusCode()).isEqualTo(400);
        var stats = server.getJson("/api/v1/rulesets/fraud").get("stats");
        assertThat(stats.get("eventsProcessed").asLong()).isZero();
    }

    @Test
    void fullQueue_is429WithRetryAfter_andNoRuleSetTakesAnyOfTheEvents() throws Exception {
        start();
        server.put("/api/v1/rulesets/roomy", deployBody("1000"));
        var small = toJson(Map.of("files", Map.of("fraud.drl", DRL.formatted("1000")),
                "settings", Map.of("queueCapacity", 2)));
        assertThat(server.put("/api/v1/rulesets/small", small).statusCode()).isEqualTo(200);

        var response = server.post("/api/v1/events", "[" + event("t1", "2026-11-20T10:00:00Z", "a1", 1) + ","
                + event("t2", "2026-11-20T10:00:01Z", "a1", 1) + "," + event("t3", "2026-11-20T10:00:02Z", "a1", 1) + "]");

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).contains("1");
        assertThat(read(response).get("message").asText()).contains("rule set 'small' cannot take 3 events at once");
        var accepted = server.post("/api/v1/events", event("t4", "2026-11-20T10:00:03Z", "a1", 1));
        assertThat(accepted.statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                server.getJson("/api/v1/rulesets/roomy").get("stats").get("eventsProcessed").asLong() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                server.getJson("/api/v1/rulesets/small").get("stats").get("eventsProcessed").asLong() == 1);
    }

    @Test
    void postingToARuleSetFedByAKafkaTopic_is409NamingTheTopic_andAnotherRuleSetStillTakesTheEvents() throws Exception {
        // No --kafka-bootstrap: the rule set has no consumer, and still takes no posted events.
        start();
        var fedByKafka = toJson(Map.of("files", Map.of("fraud.drl", DRL.formatted("1000")),
                "settings", Map.of("source", Map.of("kafka", Map.of("topic", "payments")))));
        assertThat(server.put("/api/v1/rulesets/payments", fedByKafka).statusCode()).isEqualTo(200);
        assertThat(server.put("/api/v1/rulesets/fraud", deployBody("1000")).statusCode()).isEqualTo(200);

        var routed = server.post("/api/v1/events?ruleset=payments", event("t1", "2026-11-20T10:00:00Z", "a1", 5000));
        var unrouted = server.post("/api/v1/events", event("t2", "2026-11-20T10:00:01Z", "a1", 5000));

        assertThat(routed.statusCode()).as(routed.body()).isEqualTo(409);
        assertThat(read(routed).get("error").asText()).isEqualTo("sourced_elsewhere");
        assertThat(read(routed).get("message").asText())
                .isEqualTo("rule set 'payments' takes its events from kafka startAt=earliest topic=payments, not from the API: send them there");
        assertThat(unrouted.statusCode()).as(unrouted.body()).isEqualTo(202);
        assertThat(server.post("/api/v1/events?ruleset=fraud", event("t3", "2026-11-20T10:00:02Z", "a2", 5000)).statusCode())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> processed("fraud") == 2);
        assertThat(processed("payments")).as("neither the routed nor the unrouted post reached it").isZero();
        var view = server.getJson("/api/v1/rulesets/payments");
        assertThat(view.get("settings").get("source").get("kafka").get("topic").asText()).isEqualTo("payments");
        assertThat(view.has("kafka")).as("no consumer without --kafka-bootstrap").isFalse();
    }

    @Test
    void withoutAValidToken_mutatingEndpointsAnswer401_healthNeedsNone() throws Exception {
        start();
        for (var call : new String[][] {{"PUT", "/api/v1/rulesets/fraud"}, {"POST", "/api/v1/rulesets/fraud/validate"},
                {"DELETE", "/api/v1/rulesets/fraud"}, {"POST", "/api/v1/events"}, {"GET", "/api/v1/alerts"},
                {"POST", "/api/v1/rulesets/fraud/rollback"}}) {
            assertThat(server.send(call[0], call[1], "{}", "application/json", null).statusCode()).as(call[0] + " " + call[1]).isEqualTo(401);
            assertThat(server.send(call[0], call[1], "{}", "application/json", "wrong").statusCode()).as(call[0] + " " + call[1]).isEqualTo(401);
        }
        assertThat(server.send("GET", "/api/v1/health", null, "application/json", null).statusCode()).isEqualTo(200);
    }

    @Test
    void tokenOfNarrowScope_is403OutsideItsScope_andRevokedIs401() throws Exception {
        start();
        server.put("/api/v1/rulesets/fraud", deployBody("1000"));
        var issued = server.post("/api/v1/tokens", "{\"name\": \"ingest\", \"scopes\": [\"events:write\"]}");
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
        var ingest = read(issued).get("token").asText();

        assertThat(server.send("POST", "/api/v1/events", event("t1", "2026-11-20T10:00:00Z", "a1", 5), "application/json", ingest).statusCode())
                .isEqualTo(202);
        for (var call : new String[][] {{"PUT", "/api/v1/rulesets/fraud"}, {"DELETE", "/api/v1/rulesets/fraud"},
                {"POST", "/api/v1/rulesets/fraud/rollback"}, {"GET", "/api/v1/alerts"}, {"POST", "/api/v1/tokens"}}) {
            var response = server.send(call[0], call[1], "{}", "application/json", ingest);
            assertThat(response.statusCode()).as(call[0] + " " + call[1]).isEqualTo(403);
            assertThat(read(response).get("error").asText()).isEqualTo("forbidden");
        }
        assertThat(server.post("/api/v1/tokens", "{\"name\": \"ingest\", \"scopes\": [\"alerts:read\"]}").statusCode()).isEqualTo(409);
        assertThat(server.post("/api/v1/tokens", "{\"name\": \"x\", \"scopes\": [\"root\"]}").statusCode()).isEqualTo(400);

        assertThat(server.delete("/api/v1/tokens/ingest").statusCode()).isEqualTo(204);

        assertThat(server.send("POST", "/api/v1/events", event("t2", "2026-11-20T10:00:01Z", "a1", 5), "application/json", ingest).statusCode())
                .isEqualTo(401);
    }

    @Test
    void tokensSelf_answersTheTokensNameAndScopes_401WithoutOne() throws Exception {
        start();
        var admin = server.get("/api/v1/tokens/self");
        assertThat(admin.statusCode()).as(admin.body()).isEqualTo(200);
        assertThat(read(admin).get("name").asText()).isEqualTo("admin");
        assertThat(read(admin).get("scopes").toString())
                .isEqualTo("[\"admin\",\"alerts:read\",\"events:write\",\"rules:read\",\"rules:write\",\"webhooks:write\"]");

        var issued = read(server.post("/api/v1/tokens", "{\"name\": \"viewer\", \"scopes\": [\"rules:read\", \"alerts:read\"]}"));
        var viewer = server.send("GET", "/api/v1/tokens/self", null, "application/json", issued.get("token").asText());
        assertThat(read(viewer).get("name").asText()).isEqualTo("viewer");
        assertThat(read(viewer).get("scopes").toString()).isEqualTo("[\"alerts:read\",\"rules:read\"]");

        assertThat(server.send("GET", "/api/v1/tokens/self", null, "application/json", null).statusCode()).isEqualTo(401);
        assertThat(server.send("GET", "/api/v1/tokens/self", null, "application/json", "not-a-token").statusCode()).isEqualTo(401);
        server.delete("/api/v1/tokens/viewer");
        assertThat(server.send("GET", "/api/v1/tokens/self", null, "application/json", issued.get("token").asText()).statusCode()).isEqualTo(401);
    }

    @Test
    void theRuleEditor_isServedAtTheRoot_withoutAToken_andTheApiStaysJson() throws Exception {
        start();
        var index = server.send("GET", "/", null, "text/html", null);
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(index.headers().firstValue("Content-Security-Policy").orElse("")).contains("default-src 'self'");
        assertThat(index.body()).contains("<title>Vigil rule editor</title>");
        var unknown = server.get("/api/v1/nothing-here");
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    @Test
    void acceptedEvents_areJournaledWithTheirRuleSet_rejectedOnesAreNot() throws Exception {
        start();
        server.put("/api/v1/rulesets/fraud", deployBody("1000"));
        server.post("/api/v1/events", "[" + event("t1", "2026-11-20T10:00:00Z", "a1", 5000) + ","
                + event("t2", "2026-11-20T10:00:01Z", "a2", 10) + "]");
        server.post("/api/v1/events", "[" + event("t3", "2026-11-20T10:00:02Z", "a3", 10) + ", {\"type\": \"Refund\"}]");
        server.post("/api/v1/events", event("t4", "2026-11-20T10:00:03Z", "a4", 10).replace(", ", ",\n  "));
        server.send("POST", "/api/v1/events", event("t5", "2026-11-20T10:00:04Z", "a5", 10) + "\n" + event("t6", "2026-11-20T10:00:05Z", "a6", 10),
                "application/x-ndjson", ADMIN_TOKEN);
        server.close();
        server = null;

        try (var database = Database.open(data)) {
            var journal = new JournalStore(database).read("fraud", 10);
            assertThat(journal).extracting(e -> JSON.readTree(e.event()).get("id").asText()).containsExactly("t1", "t2", "t4", "t5", "t6");
            assertThat(journal).allSatisfy(e -> assertThat(e.event()).doesNotContain("\n"));
            assertThat(journal.get(3).event()).isEqualTo(event("t5", "2026-11-20T10:00:04Z", "a5", 10));
        }
    }

    @Test
    void restart_keepsVersionsAndAlerts() throws Exception {
        start();
        server.put("/api/v1/rulesets/fraud", deployBody("1000"));
        server.put("/api/v1/rulesets/fraud", deployBody("2000"));
        server.post("/api/v1/events", event("t1", "2026-11-20T10:00:00Z", "a1", 5000));
        server.awaitAlerts(1);
        server.close();

        start();

        assertThat(server.getJson("/api/v1/rulesets/fraud").get("version").asInt()).isEqualTo(2);
        assertThat(server.getJson("/api/v1/rulesets/fraud/versions")).hasSize(2);
        assertThat(server.getJson("/api/v1/alerts").get("alerts")).hasSize(1);
        assertThat(read(server.put("/api/v1/rulesets/fraud", deployBody("3000"))).get("version").asInt()).isEqualTo(3);
    }

    @Test
    void generatedAdminToken_isStoredForItsOwnerOnly() throws Exception {
        server = TestServer.start(ServerConfig.defaults(data).withPort(0));
        var token = server.server().generatedAdminToken().orElseThrow();
        var file = data.resolve("admin-token");

        assertThat(Files.readString(file).trim()).isEqualTo(token);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(server.send("GET", "/api/v1/rulesets", null, "application/json", token).statusCode()).isEqualTo(200);
    }

    @Test
    void rotatingTheAdminToken_replacesItInItsFile_andTheOldOneStopsWorking_unlessItIsConfigured() throws Exception {
        server = TestServer.start(ServerConfig.defaults(data).withPort(0));
        var old = server.server().generatedAdminToken().orElseThrow();
        var file = data.resolve("admin-token");

        var rotated = server.send("POST", "/api/v1/tokens/admin/rotate", null, "application/json", old);
        var fresh = read(rotated).get("token").asText();

        assertThat(rotated.statusCode()).isEqualTo(200);
        assertThat(fresh).isNotEqualTo(old);
        assertThat(Files.readString(file).trim()).isEqualTo(fresh);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(server.send("GET", "/api/v1/rulesets", null, "application/json", old).statusCode()).isEqualTo(401);
        assertThat(server.send("GET", "/api/v1/rulesets", null, "application/json", fresh).statusCode()).isEqualTo(200);
        server.close();
        server = TestServer.start(ServerConfig.defaults(data).withPort(0));
        assertThat(server.send("GET", "/api/v1/rulesets", null, "application/json", fresh).statusCode()).as("after a restart").isEqualTo(200);
        server.close();
        server = TestServer.start(TestServer.config(data));
        assertThat(server.post("/api/v1/tokens/admin/rotate", null).statusCode()).isEqualTo(409);
    }

    @Test
    void bodyOverTheLimit_is413() throws Exception {
        server = TestServer.start(TestServer.config(data).withMaxBodyBytes(1_000));

        var response = server.post("/api/v1/events", "[" + (event("t", "2026-11-20T10:00:00Z", "a", 1) + ",").repeat(50) + "{}]");

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(read(response).get("error").asText()).isEqualTo("body_too_large");
    }

    @Test
    void chunkedBodyOverTheLimit_is413() throws Exception {
        server = TestServer.start(TestServer.config(data).withMaxBodyBytes(1_000));
        var body = ("[" + (event("t", "2026-11-20T10:00:00Z", "a", 1) + ",").repeat(50) + "{}]").getBytes(StandardCharsets.UTF_8);

        var response = TestServer.HTTP.send(HttpRequest.newBuilder(server.uri("/api/v1/events"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + ADMIN_TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(read(response).get("message").asText()).contains("1000 bytes");
    }

    @Test
    void ruleTests_deployedWithTheRules_orSentInTheBody_runAgainstTheActiveVersion() throws Exception {
        start();
        var passing = """
                name: a large transaction alerts
                events:
                  - {at: 0s, type: Transaction, accountId: a1, amount: 5000}
                expect:
                  - {rule: large, key: a1, severity: high}
                """;
        var deployed = server.put("/api/v1/rulesets/fraud", toJson(Map.of("files",
                Map.of("fraud.drl", DRL.formatted("1000"), "large.test.yaml", passing))));
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(200);

        var stored = read(server.post("/api/v1/rulesets/fraud/tests", ""));
        var sent = read(server.post("/api/v1/rulesets/fraud/tests", toJson(Map.of("files",
                Map.of("small.test.yaml", passing.replace("amount: 5000", "amount: 50"))))));
        var bad = server.post("/api/v1/rulesets/fraud/tests", toJson(Map.of("files", Map.of("x.test.yaml", "name: x\n"))));

        assertThat(stored.get("passed").asBoolean()).as(stored.toString()).isTrue();
        assertThat(stored.get("cases").get(0).get("fired").get(0).get("key").asText()).isEqualTo("a1");
        assertThat(sent.get("passed").asBoolean()).isFalse();
        assertThat(sent.get("cases").get(0).get("failures").get(0).asText())
                .isEqualTo("line 5: expected an alert of rule \"large\" with key a1 of severity high; fired: none");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(server.getJson("/api/v1/rulesets/fraud").get("files").has("large.test.yaml")).isTrue();
        assertThat(server.getJson("/api/v1/rulesets/fraud").get("rules")).hasSize(1);
    }
}
