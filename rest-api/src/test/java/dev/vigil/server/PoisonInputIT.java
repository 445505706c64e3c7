package dev.vigil.server;

import static dev.vigil.server.TestServer.ADMIN_TOKEN;
import static dev.vigil.server.TestServer.read;
import static dev.vigil.server.TestServer.toJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.server.store.Database;
import dev.vigil.server.store.JournalStore;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input that used to stop a rule set from alerting or answer 500, against the real server: event
 * times far ahead or beyond any clock, numbers past a double, nesting deeper than a parser takes,
 * settings without bounds. Each is refused with the event index and field (or the file and line),
 * nothing of its request is taken, and the next good event still raises its alert.
 */
class PoisonInputIT {
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final String LARGE = TestDrl.TRANSACTION + """
            rule "large"
            when
                Transaction(amount > 1000, $acc : accountId) over window:time(1m)
            then
                alerts.raise($acc, "large transaction");
            end
            """;

    @TempDir
    Path data;
    private TestServer server;
    /** Seconds after T0 of the next good event: each comes after the last, so none is late. */
    private int second;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private ServerConfig config() {
        return TestServer.config(data);
    }

    private HttpResponse<String> send(String method, String path, String body, String contentType, Map<String, String> headers)
            throws IOException, InterruptedException {
        var request = server.request(method, path, body, contentType, ADMIN_TOKEN);
        headers.forEach(request::header);
        return server.send(request);
    }

    private void deploy(String drl, Map<String, Object> settings) throws IOException, InterruptedException {
        var deployed = server.put("/api/v1/rulesets/fraud", toJson(Map.of("files", Map.of("fraud.drl", drl),
                "settings", settings)));
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(200);
    }

    /** A good large transaction of {@code account}, later than every one before it. */
    private String good(String account) {
        return tx(account, "\"" + T0.plusSeconds(second++) + "\"", "5000");
    }

    private static String tx(String account, String time, String amount) {
        return tx(account, account, time, amount);
    }

    private static String tx(String id, String account, String time, String amount) {
        return "{\"type\": \"Transaction\", \"id\": \"" + id + "\", \"time\": " + time + ", \"accountId\": \"" + account
                + "\", \"amount\": " + amount + "}";
    }

    private List<String> alertKeys() throws IOException, InterruptedException {
        var keys = new ArrayList<String>();
        server.getJson("/api/v1/alerts?limit=1000").get("alerts").forEach(a -> keys.add(a.get("key").asText()));
        return keys;
    }

    /** The post is refused whole with 400, naming event {@code index} and {@code field}. */
    private void assertRefused(HttpResponse<String> response, int index, String field) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        var details = read(response).get("details");
        assertThat(details).as(response.body()).hasSize(1);
        assertThat(details.get(0).get("index").asInt()).as(response.body()).isEqualTo(index);
        assertThat(details.get(0).get("field").asText()).as(response.body()).isEqualTo(field);
    }

    /** The good event of a refused post was not taken, and a good event after it still raises its alert. */
    private void assertStillAlerting(String refusedAccount, String nextAccount) throws Exception {
        var posted = server.post("/api/v1/events", good(nextAccount));
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> alertKeys().contains(nextAccount));
        assertThat(alertKeys()).doesNotContain(refusedAccount);
    }

    @Test
    void eventTimesAheadOfTheClockOrBeyondAnyClock_areRefusedWhole_andTheNextEventStillAlerts() throws Exception {
        server = TestServer.start(config());
        deploy(LARGE, Map.of());
        var poisons = List.of("9223372036854775807", "-9223372036854775808", "\"+999999999-12-31T23:59:59Z\"",
                "\"-999999999-01-01T00:00:00Z\"", "1e30", "1.5", "\"1969-12-31T23:59:59.999Z\"",
                "\"" + Instant.now().plus(Duration.ofHours(2)) + "\"");

        for (int i = 0; i < poisons.size(); i++) {
            var posted = server.post("/api/v1/events", "[" + good("taken" + i) + ", " + tx("p" + i, poisons.get(i), "5000") + "]");

            assertRefused(posted, 1, "time");
            assertStillAlerting("taken" + i, "next" + i);
        }
    }

    @Test
    void poisonedTimesInNdjsonAndCloudEvents_areRefusedNamingTheEvent() throws Exception {
        server = TestServer.start(config());
        deploy(LARGE, Map.of());
        var far = "\"+999999999-12-31T23:59:59Z\"";

        assertRefused(send("POST", "/api/v1/events", good("n1") + "\n" + tx("p", "9223372036854775807", "5000") + "\n",
                "application/x-ndjson", Map.of()), 1, "time");
        assertStillAlerting("n1", "n2");

        var structured = "{\"specversion\": \"1.0\", \"id\": \"c1\", \"source\": \"/cards\", \"type\": \"Transaction\", \"time\": "
                + far + ", \"data\": {\"accountId\": \"c1\", \"amount\": 5000}}";
        assertRefused(send("POST", "/api/v1/events", structured, "application/cloudevents+json", Map.of()), 0, "time");
        var batch = "[{\"specversion\": \"1.0\", \"id\": \"c2\", \"source\": \"/cards\", \"type\": \"Transaction\", \"time\": \""
                + T0.plusSeconds(second++) + "\", \"data\": {\"accountId\": \"c2\", \"amount\": 5000}}, " + structured + "]";
        assertRefused(send("POST", "/api/v1/events", batch, "application/cloudevents-batch+json", Map.of()), 1, "time");
        assertRefused(send("POST", "/api/v1/events", "{\"accountId\": \"c3\", \"amount\": 5000}", "application/json",
                Map.of("ce-specversion", "1.0", "ce-id", "c3", "ce-source", "/cards", "ce-type", "Transaction",
                        "ce-time", "-999999999-01-01T00:00:00Z")), 0, "time");
        assertStillAlerting("c2", "c4");
    }

    @Test
    void numbersPastADouble_areRefusedAsInfinityIs() throws Exception {
        server = TestServer.start(config());
        deploy(LARGE, Map.of());

        for (var amount : List.of("1e400", "-1e400", "\"Infinity\"", "\"NaN\"")) {
            var posted = server.post("/api/v1/events", "[" + good("taken") + ", " + tx("p", "\"" + T0 + "\"", amount) + "]");

            assertRefused(posted, 1, "amount");
        }
        assertStillAlerting("taken", "next");
    }

    @Test
    void deeplyNestedJson_isRefusedWith400() throws Exception {
        server = TestServer.start(config());
        deploy(LARGE, Map.of());

        var tooDeep = server.post("/api/v1/events", "{\"type\": \"Transaction\", \"accountId\": " + "[".repeat(20_000) + "]".repeat(20_000) + "}");
        var deep = server.post("/api/v1/events", "{\"type\": \"Transaction\", \"accountId\": " + "[".repeat(900) + "]".repeat(900) + "}");

        assertThat(tooDeep.statusCode()).as(tooDeep.body()).isEqualTo(400);
        assertThat(read(tooDeep).get("error").asText()).isEqualTo("bad_json");
        assertRefused(deep, 0, "accountId");
    }

    @Test
    void aRuleSetNestedTwentyThousandDeep_is422NamingTheFileAndLine() throws Exception {
        server = TestServer.start(config());
        var drl = TestDrl.TRANSACTION + "rule \"deep\" when\n    Transaction(amount > " + "(".repeat(20_000) + "1" + ")".repeat(20_000)
                + ")\nthen end\n";
        var rule = """
                rule: deep
                when:
                  pattern: match
                  event: Transaction
                  where: "%s"
                then:
                  message: "deep"
                """.formatted("(".repeat(20_000) + "amount > 1" + ")".repeat(20_000));

        var deployed = server.put("/api/v1/rulesets/deep", toJson(Map.of("files", Map.of("deep.drl", drl))));
        var validated = server.post("/api/v1/rulesets/deep/validate", toJson(Map.of("files",
                Map.of("types.drl", TestDrl.TRANSACTION, "deep.rule.yaml", rule))));

        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(422);
        var diagnostic = read(deployed).get("details").get(0);
        assertThat(diagnostic.get("file").asText()).isEqualTo("deep.drl");
        assertThat(diagnostic.get("line").asInt()).isEqualTo(11);
        assertThat(diagnostic.get("message").asText()).startsWith("brackets nest more than 100 deep");
        assertThat(validated.statusCode()).as(validated.body()).isEqualTo(200);
        var yamlDiagnostic = read(validated).get("diagnostics").get(0);
        assertThat(yamlDiagnostic.get("file").asText()).isEqualTo("deep.rule.yaml");
        assertThat(yamlDiagnostic.get("line").asInt()).isEqualTo(5);
    }

    @Test
    void ruleTestsAndReplays_withTimesNoClockCanHold_are400_notA500() throws Exception {
        server = TestServer.start(config());
        deploy(LARGE, Map.of());
        var testFile = """
                name: far
                start: "+999999999-12-31T23:59:59Z"
                events:
                  - {at: 0s, type: Transaction, accountId: a1, amount: 5000}
                exactly: true
                """;

        var tested = server.post("/api/v1/rulesets/fraud/tests", toJson(Map.of("files", Map.of("far.test.yaml", testFile))));
        var deepTest = server.post("/api/v1/rulesets/fraud/tests", toJson(Map.of("files",
                Map.of("deep.test.yaml", "name: deep\nevents: " + "[".repeat(20_000)))));
        var until = server.post("/api/v1/replays", "{\"ruleset\": \"fraud\", \"events\": [" + good("r1") + "],"
                + " \"until\": \"+999999999-12-31T23:59:59Z\"}");
        var replayed = server.post("/api/v1/replays", "{\"ruleset\": \"fraud\", \"events\": [" + good("r2") + ", "
                + tx("p", "9223372036854775807", "5000") + ", " + good("r3") + "]}");

        assertThat(tested.statusCode()).as(tested.body()).isEqualTo(400);
        assertThat(read(tested).get("message").asText()).startsWith("far.test.yaml:1: start: +999999999-12-31T23:59:59Z is outside");
        assertThat(deepTest.statusCode()).as(deepTest.body()).isEqualTo(400);
        assertThat(until.statusCode()).as(until.body()).isEqualTo(400);
        assertThat(read(until).get("message").asText()).startsWith("until: +999999999-12-31T23:59:59Z is outside");
        assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(200);
        assertThat(read(replayed).get("errors").get(0).get("index").asInt()).isEqualTo(1);
        assertThat(read(replayed).get("errors").get(0).get("field").asText()).isEqualTo("time");
        assertThat(read(replayed).get("alerts")).extracting(a -> a.get("key").asText()).containsExactly("r2", "r3");
    }

    @Test
    void settingsPastTheirRange_are400NamingTheSettingAndRange_andTheLargestIsTaken() throws Exception {
        server = TestServer.start(config());

        var refused = server.put("/api/v1/rulesets/fraud", toJson(Map.of("files", Map.of("fraud.drl", LARGE),
                "settings", Map.of("queueCapacity", 2_147_483_647, "lateness", "31d"))));

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(read(refused).get("details")).extracting(d -> d.get("field").asText() + ": " + d.get("message").asText())
                .containsExactlyInAnyOrder("settings.queueCapacity: queueCapacity must be between 1 and 1000000, was 2147483647",
                        "settings.lateness: allowedLateness must be between 0ms and 30d, was 31d");
        deploy(LARGE, Map.of("queueCapacity", 1_000_000, "lateness", "30d"));
    }

    @Test
    void aRestart_leavesOutJournaledTimesOutsideTheBounds_andRebuildsTheWindowsFromTheRest() throws Exception {
        server = TestServer.start(config());
        deploy(TestDrl.BURST, Map.of());
        server.post("/api/v1/events", tx("s1", "span", "\"" + T0.plusSeconds(10) + "\"", "10"));
        server.post("/api/v1/events", tx("s2", "span", "\"" + T0.plusSeconds(20) + "\"", "10"));
        server.close();
        server = null;
        // As an older version took them: far ahead alone, before the epoch alone, and one far ahead beside a good event.
        var accepted = Instant.now();
        try (var database = Database.open(data)) {
            new JournalStore(database).append(List.of(
                    new JournalStore.Chunk("fraud", accepted, List.of(tx("far", "9223372036854775807", "10")), Long.MAX_VALUE, Long.MAX_VALUE),
                    new JournalStore.Chunk("fraud", accepted, List.of(tx("old", "-9223372036854775808", "10")), Long.MIN_VALUE, Long.MIN_VALUE),
                    new JournalStore.Chunk("fraud", accepted, List.of(tx("other", "\"" + T0.plusSeconds(25) + "\"", "10"),
                            tx("far2", "9223372036854775807", "10")), T0.plusSeconds(25).toEpochMilli(), Long.MAX_VALUE)));
        }

        server = TestServer.start(config());
        var posted = server.post("/api/v1/events", tx("s3", "span", "\"" + T0.plusSeconds(30) + "\"", "10"));

        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> alertKeys().contains("span"));
        assertThat(server.server().engine().flush("fraud").join().lateEvents()).isZero();
    }
}
