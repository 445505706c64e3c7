package dev.vigil.server;

import static dev.vigil.server.TestServer.read;
import static dev.vigil.server.TestServer.toJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replays and rule tests that run as jobs: their progress in steps done of the total, and their cancellation. */
class LongWorkIT {
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    @TempDir
    static Path data;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(data);
        var cases = IntStream.range(0, 3).mapToObj(i -> """
                name: large %d
                events:
                  - {at: 0s, type: Transaction, accountId: a%d, amount: 5000}
                expect:
                  - {rule: large, key: a%d}
                """.formatted(i, i, i)).reduce((a, b) -> a + "---\n" + b).orElseThrow();
        var deployed = server.put("/api/v1/rulesets/fraud", toJson(Map.of("files", Map.of("fraud.drl", TestDrl.LARGE,
                "large.test.yaml", cases))));
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static List<Map<String, Object>> events(int count) {
        return IntStream.range(0, count).mapToObj(i -> Map.<String, Object>of("type", "Transaction", "id", "t" + i,
                "time", T0.plusMillis(i).toString(), "accountId", "a" + (i % 100), "amount", 10.0)).toList();
    }

    @Test
    void ruleTestsSentAsAJob_showTheirCasesDoneOfTheTotal_thenTheReport() throws Exception {
        var queued = server.post("/api/v1/rulesets/fraud/tests", toJson(Map.of("async", true)));

        assertThat(queued.statusCode()).as(queued.body()).isEqualTo(202);
        var href = read(queued).get("href").asText();
        assertThat(href).startsWith("/api/v1/rulesets/fraud/tests/");
        await().atMost(Duration.ofSeconds(30)).until(() -> server.getJson(href).get("status").asText().equals("done"));
        var job = server.getJson(href);
        assertThat(job.get("progress").get("cases").asLong()).isEqualTo(3);
        assertThat(job.get("progress").get("total").asLong()).isEqualTo(3);
        assertThat(job.get("progress").get("elapsedMs").asLong()).isNotNegative();
        assertThat(job.get("result").get("passed").asBoolean()).as(job.toString()).isTrue();
        assertThat(job.get("result").get("cases")).hasSize(3);
        assertThat(server.delete(href).statusCode()).isEqualTo(409);
        assertThat(server.get("/api/v1/rulesets/fraud/tests/nope").statusCode()).isEqualTo(404);
    }

    @Test
    void aReplayJobCancelled_stopsBeforeItsEnd_andOneQueuedBehindItNeverRuns() throws Exception {
        var running = read(server.post("/api/v1/replays", toJson(Map.of("ruleset", "fraud", "events", events(60_000), "async", true))));
        var queued = read(server.post("/api/v1/replays", toJson(Map.of("ruleset", "fraud", "events", events(10), "async", true))));
        var second = "/api/v1/replays/" + queued.get("id").asText();
        var first = "/api/v1/replays/" + running.get("id").asText();

        var cancelled = server.delete(second);
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(202);
        assertThat(server.delete(first).statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(30)).until(() -> server.getJson(second).get("status").asText().equals("cancelled"));
        var firstJob = server.getJson(first);
        assertThat(firstJob.get("status").asText()).as(firstJob.toString()).isEqualTo("cancelled");
        assertThat(firstJob.get("progress").get("events").asLong()).isLessThan(60_000);
        assertThat(firstJob.has("result")).isFalse();
        assertThat(server.getJson(second).get("progress").get("events").asLong()).isZero();
        assertThat(server.delete(second).statusCode()).isEqualTo(409);
        assertThat(server.delete("/api/v1/replays/nope").statusCode()).isEqualTo(404);
    }
}
