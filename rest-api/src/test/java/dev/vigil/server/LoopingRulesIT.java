package dev.vigil.server;

import static dev.vigil.server.TestServer.read;
import static dev.vigil.server.TestServer.toJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules that loop, run outside a live rule set: an inline replay, a replay of a deployed rule set,
 * a replay job and rule tests are stopped within the rule timeout (1 s here) with an answer naming
 * the rule set and the rule, and the server keeps answering.
 */
class LoopingRulesIT {
    /** Far more than the rule timeout and the watchdog's look: an answer later than this is a replay that ran on. */
    private static final Duration ANSWERED_WITHIN = Duration.ofSeconds(15);
    private static final String PING = """
            package loop;
            declare Ping
                @role(event)
                @timestamp(time)
                @expires(1m)
                id : String
                time : long
                n : int
            end
            rule "ping"
            when
                Ping(n == 0, $id : id)
            then
                alerts.raise($id, "pinged");
            end
            """;
    private static final String SPIN = PING + """
            rule "spin"
            when
                $p : Ping(n > 0)
            then
                long i = $p.getN();
                while (i > 0) {
                    i = (i % 1000) + 1;
                }
            end
            """;
    private static final String AGAIN = PING + """
            rule "again"
            when
                $p : Ping(n > 0)
            then
                modify($p) { setN($p.getN() + 1) };
            end
            """;
    private static final List<Map<String, Object>> SPINNING = List.of(
            Map.of("type", "Ping", "id", "p0", "time", "2026-11-20T10:00:00Z", "n", 0),
            Map.of("type", "Ping", "id", "p1", "time", "2026-11-20T10:00:01Z", "n", 1));

    @TempDir
    Path data;
    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start(TestServer.config(data).withRules(new ServerConfig.RuleLimits(false, Duration.ofSeconds(1), 1_000_000)));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> send(String method, String path, Object body) throws IOException, InterruptedException {
        return server.send(server.request(method, path, body == null ? null : toJson(body)).timeout(ANSWERED_WITHIN));
    }

    private void assertHealthy() throws IOException, InterruptedException {
        var health = send("GET", "/api/v1/health", null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(read(health).get("status").asText()).isEqualTo("ok");
    }

    private static Map<String, Object> inline(String drl) {
        return Map.of("files", Map.of("loop.drl", drl));
    }

    @Test
    void anInlineReplayWhoseRuleNeverReturns_is422NamingTheRule_withinTheTimeout() throws Exception {
        var replayed = send("POST", "/api/v1/replays", Map.of("files", Map.of("loop.drl", SPIN), "events", SPINNING));

        assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(422);
        assertThat(read(replayed).get("error").asText()).isEqualTo("rules_stopped");
        assertThat(read(replayed).get("message").asText()).isEqualTo("rule 'spin' of rule set 'replay' did not return for 1000 ms"
                + " (an endless loop?), and its session was stopped");
        assertHealthy();
    }

    @Test
    void aReplayOfADeployedRuleSetWhoseRuleNeverReturns_is422_andTheLiveRuleSetRunsOn() throws Exception {
        assertThat(send("PUT", "/api/v1/rulesets/loop", inline(SPIN)).statusCode()).isEqualTo(200);

        var replayed = send("POST", "/api/v1/replays", Map.of("ruleset", "loop", "events", SPINNING));

        assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(422);
        assertThat(read(replayed).get("message").asText()).startsWith("rule 'spin' of rule set 'loop' did not return for 1000 ms");
        assertThat(send("POST", "/api/v1/events", SPINNING.get(0)).statusCode()).isEqualTo(202);
        await().atMost(ANSWERED_WITHIN).until(() -> read(send("GET", "/api/v1/alerts", null)).get("alerts").size() == 1);
        assertHealthy();
    }

    @Test
    void aReplayJobWhoseRuleNeverReturns_endsFailedWithTheReason() throws Exception {
        var started = send("POST", "/api/v1/replays", Map.of("files", Map.of("loop.drl", SPIN), "events", SPINNING, "async", true));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        var job = "/api/v1/replays/" + read(started).get("id").asText();

        await().atMost(ANSWERED_WITHIN).until(() -> read(send("GET", job, null)).get("status").asText().equals("failed"));
        var error = read(send("GET", job, null)).get("error");
        assertThat(error.get("error").asText()).isEqualTo("rules_stopped");
        assertThat(error.get("message").asText()).startsWith("rule 'spin' of rule set 'replay' did not return for 1000 ms");
        assertHealthy();
    }

    @Test
    void anInlineReplayWhoseRuleFiresItselfForever_is422NamingIt() throws Exception {
        var replayed = send("POST", "/api/v1/replays", Map.of("files", Map.of("loop.drl", AGAIN), "events", SPINNING));

        assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(422);
        assertThat(read(replayed).get("message").asText()).startsWith("rule set 'replay' fired 10000 rules for a single event or"
                + " clock step and was stopped; the last rule to fire was 'again'");
        assertHealthy();
    }

    @Test
    void ruleTestsWhoseRuleNeverReturns_failThatCaseWithTheReason_andSkipTheRest() throws Exception {
        assertThat(send("PUT", "/api/v1/rulesets/loop", inline(SPIN)).statusCode()).isEqualTo(200);
        var cases = """
                name: quiet
                events:
                  - {at: 0s, type: Ping, n: 0}
                expect:
                  - {rule: ping}
                ---
                name: spins
                events:
                  - {at: 0s, type: Ping, n: 1}
                exactly: true
                ---
                name: after
                events:
                  - {at: 0s, type: Ping, n: 0}
                expect:
                  - {rule: ping}
                """;

        var tested = send("POST", "/api/v1/rulesets/loop/tests", Map.of("files", Map.of("loop.test.yaml", cases)));

        assertThat(tested.statusCode()).as(tested.body()).isEqualTo(200);
        var report = read(tested);
        assertThat(report.get("passed").asBoolean()).isFalse();
        assertThat(report.get("cases").get(0).get("passed").asBoolean()).isTrue();
        assertThat(report.get("cases").get(1).get("failures").get(0).asText()).isEqualTo("rule 'spin' of rule set 'loop' did not"
                + " return for 1000 ms (an endless loop?), and its session was stopped");
        assertThat(report.get("cases").get(2).get("failures").get(0).asText())
                .isEqualTo("not run: the rules of an earlier case were stopped by the rule timeout");
        assertHealthy();
    }
}
