package dev.vigil.server;

import static dev.vigil.server.TestServer.read;
import static dev.vigil.server.TestServer.toJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rule code sent with a request (a replay's inline rules, a rule test's cases) is in the audit log with its token, however the run ended. */
class InlineRunsAuditIT {
    private static final String DRL = TestDrl.TRANSACTION + """
            rule "large"
                @severity("high")
            when
                Transaction(amount > 1000, $acc : accountId) over window:time(1m)
            then
                alerts.raise($acc, "large transaction");
            end
            """;
    private static final List<Map<String, Object>> EVENTS = List.of(
            Map.of("type", "Transaction", "id", "t1", "time", "2026-11-20T10:00:00Z", "accountId", "a1", "amount", 5000),
            Map.of("type", "Transaction", "id", "t2", "time", "2026-11-20T10:00:01Z", "accountId", "a2", "amount", 5));

    @TempDir
    Path data;
    private TestServer server;
    private String analyst;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(data);
        assertThat(server.put("/api/v1/rulesets/fraud", Map.of("files", Map.of("fraud.drl", DRL))).statusCode()).isEqualTo(200);
        analyst = read(server.post("/api/v1/tokens", Map.of("name", "analyst", "scopes", List.of("rules:read", "rules:write"))))
                .get("token").asText();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> send(String method, String path, Object body, String token) throws Exception {
        return server.send(method, path, body == null ? null : toJson(body), "application/json", token);
    }

    /** The audit log, newest first, one line per entry: actor, action, target and (detail). */
    private List<String> audit() throws Exception {
        var lines = new ArrayList<String>();
        server.getJson("/api/v1/audit").get("entries").forEach(e -> lines.add(e.get("actor").asText() + " "
                + e.get("action").asText() + " " + e.get("target").asText() + (e.get("detail").isNull() ? "" : " (" + e.get("detail").asText() + ")")));
        return lines;
    }

    @Test
    void inlineReplays_syncAndAsJobs_areAuditedWithTheirToken_filesEventsAndOutcome_replaysOfDeployedRulesAreNot() throws Exception {
        var ran = send("POST", "/api/v1/replays", Map.of("files", Map.of("mine.drl", DRL), "events", EVENTS), analyst);
        var compared = send("POST", "/api/v1/replays", Map.of("files", Map.of("mine.drl", DRL), "events", EVENTS,
                "compareWith", Map.of("ruleset", "fraud")), analyst);
        var refused = send("POST", "/api/v1/replays", Map.of("files", Map.of("bad.drl", TestDrl.TRANSACTION + "rule x when Nope() then end"),
                "events", EVENTS), analyst);
        var deployed = send("POST", "/api/v1/replays", Map.of("ruleset", "fraud", "events", EVENTS), analyst);
        var job = read(send("POST", "/api/v1/replays", Map.of("files", Map.of("mine.drl", DRL), "events", EVENTS, "async", true), analyst))
                .get("id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> audit().get(0).contains("job " + job + " done"));

        assertThat(List.of(ran.statusCode(), compared.statusCode(), refused.statusCode(), deployed.statusCode())).containsExactly(200, 200, 422, 200);
        var log = audit();
        assertThat(log.subList(0, 5)).containsExactly(
                "analyst replay inline (files mine.drl; 2 events; job " + job + " done: 1 alert)",
                "analyst replay inline (files mine.drl; 2 events; job " + job + " queued)",
                "analyst replay inline (files bad.drl; 2 events; refused (422 rules_do_not_compile): the rules do not compile: bad.drl:10:"
                        + " Unable to resolve ObjectType 'Nope')",
                "analyst replay inline compared with fraud (files mine.drl; 2 events; done: 1 alert)",
                "analyst replay inline (files mine.drl; 2 events; done: 1 alert)");
        assertThat(log.subList(5, log.size())).containsExactly("admin issue token analyst", "admin deploy fraud (version 1)");
    }

    @Test
    void ruleTestsWithCasesInTheBody_areAuditedWithTheirToken_passedFailedOrRefused() throws Exception {
        var passing = """
                name: a large transaction alerts
                events:
                  - {at: 0s, type: Transaction, accountId: a1, amount: 5000}
                  - {at: 1s, type: Transaction, accountId: a2, amount: 5}
                expect:
                  - {rule: large, key: a1}
                """;
        var tested = send("POST", "/api/v1/rulesets/fraud/tests", Map.of("files", Map.of("large.test.yaml", passing,
                "small.test.yaml", passing.replace("key: a1", "key: a2"))), analyst);
        var refused = send("POST", "/api/v1/rulesets/fraud/tests", Map.of("files", Map.of("x.test.yaml", "name: x\n")), analyst);

        assertThat(tested.statusCode()).isEqualTo(200);
        assertThat(refused.statusCode()).isEqualTo(400);
        var log = audit();
        assertThat(log.get(0)).startsWith("analyst rule test fraud v1 (test files x.test.yaml; refused (400 bad_request): x.test.yaml");
        assertThat(log.get(1)).isEqualTo("analyst rule test fraud v1 (test files large.test.yaml, small.test.yaml; 2 cases, 4 events;"
                + " 1 passed, 1 failed)");
        assertThat(log.subList(2, log.size())).containsExactly("admin issue token analyst", "admin deploy fraud (version 1)");
    }
}
