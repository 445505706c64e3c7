package dev.vigil.server;

import static dev.vigil.server.TestServer.ADMIN_TOKEN;
import static dev.vigil.server.TestServer.read;
import static dev.vigil.server.TestServer.toJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.server.webhook.AddressPolicy;
import dev.vigil.server.webhook.Webhooks;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /api/v1/replays} against the real server on port 0 with a temporary H2 database. */
class ReplayIT {
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final String DECLARE = TestDrl.TRANSACTION;
    private static final String LARGE = """
            rule "large"
            when
                $t : Transaction(amount > 1000, $acc : accountId) over window:time(1m)
            then
                alerts.raise($acc, "large transaction");
            end
            """;
    private static final String BURST = """
            rule "burst"
            when
                $t : Transaction($acc : accountId) over window:time(1m)
                Number(intValue >= 3) from accumulate(Transaction(accountId == $acc) over window:time(1m), count(1))
            then
                alerts.raise($acc, "3 or more transactions in a minute");
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

    private void start(ServerConfig config) {
        server = TestServer.start(config);
    }

    private void start() {
        start(TestServer.config(data));
    }

    private JsonNode post(String path, Object body) throws IOException, InterruptedException {
        var response = server.post(path, toJson(body));
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 202);
        return read(response);
    }

    private void deploy(String name, String drl) throws IOException, InterruptedException {
        var response = server.put("/api/v1/rulesets/" + name, toJson(Map.of("files", Map.of("fraud.drl", drl))));
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 201);
    }

    /** Transactions a second apart: accounts a0..a2 in turn, every fourth one large. */
    private static List<Map<String, Object>> events(int count, Instant start) {
        return IntStream.range(0, count).mapToObj(i -> Map.<String, Object>of("type", "Transaction", "id", "t" + i,
                "time", start.plusSeconds(i).toString(), "accountId", "a" + (i % 3), "amount", i % 4 == 0 ? 5_000.0 : 10.0)).toList();
    }

    private String ndjson(List<Map<String, Object>> events) throws IOException {
        var out = new StringBuilder();
        for (var event : events) {
            out.append(toJson(event)).append('\n');
        }
        return out.toString();
    }

    private static String csv(List<Map<String, Object>> events) {
        var out = new StringBuilder("id,when,accountId,amount\n");
        for (var e : events) {
            out.append(e.get("id")).append(',').append(Instant.parse((String) e.get("time")).toEpochMilli()).append(',')
                    .append(e.get("accountId")).append(',').append(e.get("amount")).append('\n');
        }
        return out.toString();
    }

    private static List<String> ids(JsonNode result) {
        var out = new ArrayList<String>();
        result.get("alerts").forEach(a -> out.add(a.get("id").asText()));
        return out;
    }

    @Test
    void aReplay_raisesTheAlertsAndIdsOfTheSameEventsIngestedLive_andTouchesNothingLive() throws Exception {
        start();
        deploy("fraud", DECLARE + LARGE + BURST);
        var events = events(30, T0);

        var replayed = post("/api/v1/replays", Map.of("ruleset", "fraud", "events", events));
        var again = post("/api/v1/replays", Map.of("ruleset", "fraud", "events", events));
        server.post("/api/v1/events?ruleset=fraud", toJson(events));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                server.getJson("/api/v1/alerts?limit=1000").get("alerts").size() >= replayed.get("alerts").size());
        var live = server.getJson("/api/v1/alerts?limit=1000");
        var liveIds = new ArrayList<String>();
        live.get("alerts").forEach(a -> liveIds.add(a.get("id").asText()));

        assertThat(ids(replayed)).containsExactlyInAnyOrderElementsOf(liveIds);
        assertThat(ids(again)).isEqualTo(ids(replayed));
        assertThat(replayed.get("stats").get("events").asLong()).isEqualTo(30);
        assertThat(replayed.get("stats").get("firstEventTime").asText()).isEqualTo(T0.toString());
        assertThat(replayed.get("stats").get("lastEventTime").asText()).isEqualTo(T0.plusSeconds(29).toString());
        assertThat(replayed.get("stats").get("alertsByRule").get("large").asLong()).isEqualTo(8);
        var stats = server.getJson("/api/v1/rulesets/fraud").get("stats");
        assertThat(stats.get("eventsProcessed").asLong()).isEqualTo(30);
        assertThat(server.getJson("/api/v1/alerts?limit=1000").get("alerts"))
                .hasSize(liveIds.size());
    }

    @Test
    void shuffledInlineEvents_areSortedByEventTime_unlessAskedAsGiven_andTheStatsSayHowOutOfOrderTheyCame() throws Exception {
        start();
        var events = events(60, T0);
        var shuffled = new ArrayList<>(events);
        Collections.shuffle(shuffled, new Random(4));
        var rules = Map.of("files", Map.of("fraud.drl", DECLARE + LARGE + BURST), "settings", Map.of("latePolicy", "drop"));

        var ordered = post("/api/v1/replays", Map.of("files", rules.get("files"), "settings", rules.get("settings"), "events", events));
        var sorted = post("/api/v1/replays", Map.of("files", rules.get("files"), "settings", rules.get("settings"), "events", shuffled));
        var asGiven = post("/api/v1/replays", Map.of("files", rules.get("files"), "settings", rules.get("settings"), "events", shuffled,
                "ordered", "as-given"));
        var sideways = server.post("/api/v1/replays", toJson(Map.of("files", rules.get("files"), "events", shuffled,
                "ordered", "sideways")));

        assertThat(ids(ordered)).isNotEmpty();
        assertThat(ids(sorted)).isEqualTo(ids(ordered));
        assertThat(sorted.get("stats").get("late").asLong()).isZero();
        var order = sorted.get("stats").get("order");
        assertThat(order.get("sorted").asBoolean()).isTrue();
        assertThat(order.get("outOfOrder").asLong()).isPositive();
        assertThat(Duration.parse(order.get("maxBehind").asText())).isPositive().isLessThan(Duration.ofMinutes(1));
        assertThat(ordered.get("stats").get("order").get("outOfOrder").asLong()).isZero();
        assertThat(asGiven.get("stats").get("order").get("sorted").asBoolean()).isFalse();
        assertThat(asGiven.get("stats").get("late").asLong()).isEqualTo(order.get("outOfOrder").asLong());
        assertThat(ids(asGiven)).hasSizeLessThan(ids(ordered).size());
        assertThat(sideways.statusCode()).isEqualTo(400);
        assertThat(read(sideways).get("message").asText()).contains("ordered must be \"event-time\"").contains("\"as-given\"")
                .contains("was 'sideways'");
    }

    @Test
    void inlineNdjsonAndCsv_giveTheSameResult() throws Exception {
        start();
        deploy("fraud", DECLARE + LARGE + BURST);
        var events = events(40, T0);

        var inline = post("/api/v1/replays", Map.of("ruleset", "fraud", "events", events));
        var ndjson = server.send("POST", "/api/v1/replays?ruleset=fraud", ndjson(events), "application/x-ndjson", ADMIN_TOKEN);
        var csv = server.send("POST", "/api/v1/replays?ruleset=fraud&type=Transaction&time=when", csv(events), "text/csv", ADMIN_TOKEN);

        assertThat(ndjson.statusCode()).as(ndjson.body()).isEqualTo(200);
        assertThat(csv.statusCode()).as(csv.body()).isEqualTo(200);
        assertThat(ids(read(ndjson))).isEqualTo(ids(inline)).isNotEmpty();
        assertThat(ids(read(csv))).isEqualTo(ids(inline));
    }

    @Test
    void compare_showsAnAddedRulesAlertsAsAdded_andARemovedRulesAsRemoved() throws Exception {
        start();
        deploy("fraud", DECLARE + LARGE);
        var events = events(12, T0);

        var withBurst = post("/api/v1/replays", Map.of("files", Map.of("fraud.drl", DECLARE + LARGE + BURST),
                "compareWith", Map.of("ruleset", "fraud"), "events", events));
        var withoutLarge = post("/api/v1/replays", Map.of("files", Map.of("fraud.drl", DECLARE + BURST),
                "compareWith", Map.of("ruleset", "fraud"), "events", events));

        var diff = withBurst.get("diff");
        assertThat(diff.get("added")).isNotEmpty().allSatisfy(a -> assertThat(a.get("rule").asText()).isEqualTo("burst"));
        assertThat(diff.get("removed")).isEmpty();
        assertThat(diff.get("unchanged").asLong()).isEqualTo(3);
        var reverse = withoutLarge.get("diff");
        assertThat(reverse.get("removed")).hasSize(3).allSatisfy(a -> assertThat(a.get("rule").asText()).isEqualTo("large"));
        assertThat(reverse.get("unchanged").asLong()).isZero();
    }

    @Test
    void aJournalRange_replaysExactlyTheEventsOfThatRangeOfEventTime() throws Exception {
        start();
        deploy("fraud", DECLARE + LARGE);
        server.post("/api/v1/events?ruleset=fraud", toJson(events(20, T0)));
        server.send("POST", "/api/v1/events?ruleset=fraud", ndjson(events(20, T0.plusSeconds(20)).stream()
                .map(e -> { var m = new HashMap<>(e); m.put("id", "u" + m.get("id")); return (Map<String, Object>) m; })
                .toList()), "application/x-ndjson", ADMIN_TOKEN);
        // The journal writes in batches a moment after accepting.
        var range = Map.of("ruleset", "fraud", "from", T0.plusSeconds(10).toString(), "to", T0.plusSeconds(30).toString());
        await().atMost(Duration.ofSeconds(10)).until(() -> post("/api/v1/replays", Map.of("ruleset", "fraud", "journal", range))
                .get("stats").get("events").asLong() == 20);

        var replayed = post("/api/v1/replays", Map.of("ruleset", "fraud", "journal", range));

        assertThat(replayed.get("stats").get("firstEventTime").asText()).isEqualTo(T0.plusSeconds(10).toString());
        assertThat(replayed.get("stats").get("lastEventTime").asText()).isEqualTo(T0.plusSeconds(29).toString());
        assertThat(replayed.get("alerts")).allSatisfy(a -> assertThat(Instant.parse(a.get("eventTime").asText()))
                .isBetween(T0.plusSeconds(10), T0.plusSeconds(29)));
    }

    @Test
    void aJournaledEventWithoutATime_replaysAtItsArrival_notAtTheTimeOfTheReplay() throws Exception {
        start();
        deploy("fraud", DECLARE + LARGE);
        var before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        var posted = server.post("/api/v1/events?ruleset=fraud", toJson(Map.of("type", "Transaction", "id", "now",
                "accountId", "a1", "amount", 5_000.0)));
        var after = Instant.now().plusMillis(1);
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        var range = Map.of("ruleset", "fraud", "from", before.toString(), "to", after.toString());

        await().atMost(Duration.ofSeconds(10)).until(() -> post("/api/v1/replays", Map.of("ruleset", "fraud", "journal", range))
                .get("stats").get("events").asLong() == 1);
        var replayed = post("/api/v1/replays", Map.of("ruleset", "fraud", "journal", range));

        assertThat(Instant.parse(replayed.get("stats").get("firstEventTime").asText())).isBetween(before, after);
        assertThat(replayed.get("alerts")).singleElement().satisfies(a -> assertThat(Instant.parse(a.get("eventTime").asText()))
                .isBetween(before, after));
    }

    @Test
    void aReplay_sendsNoWebhook_whileALiveAlertIsDelivered() throws Exception {
        var received = new CopyOnWriteArrayList<String>();
        var receiver = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            received.add(exchange.getRequestHeaders().getFirst("webhook-id"));
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            start(TestServer.config(data).withWebhooks(Webhooks.Settings.DEFAULTS
                    .withAddresses(AddressPolicy.ANY)));
            deploy("fraud", DECLARE + LARGE);
            var subscribed = server.post("/api/v1/webhooks", toJson(Map.of("url",
                    "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook")));
            assertThat(subscribed.statusCode()).as(subscribed.body()).isEqualTo(201);

            var replayed = post("/api/v1/replays", Map.of("ruleset", "fraud", "events", events(12, T0)));
            server.post("/api/v1/events?ruleset=fraud", toJson(Map.of("type", "Transaction", "id", "live",
                    "time", T0.plusSeconds(3600).toString(), "accountId", "a0", "amount", 5_000.0)));

            await().atMost(Duration.ofSeconds(10)).until(() -> !received.isEmpty());
            var live = server.getJson("/api/v1/alerts").get("alerts");
            assertThat(replayed.get("alerts")).hasSize(3);
            assertThat(received).containsExactly(live.get(0).get("id").asText());
            assertThat(ids(replayed)).doesNotContainAnyElementsOf(received);
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void moreInlineEventsThanTheConfiguredNumber_runAsAJob_withTheirTotal() throws Exception {
        start(TestServer.config(data).withReplayJobEvents(10));
        deploy("fraud", DECLARE + LARGE);

        var small = server.post("/api/v1/replays", toJson(Map.of("ruleset", "fraud", "events", events(10, T0))));
        var large = server.post("/api/v1/replays", toJson(Map.of("ruleset", "fraud", "events", events(11, T0))));

        assertThat(small.statusCode()).isEqualTo(200);
        assertThat(large.statusCode()).isEqualTo(202);
        var href = read(large).get("href").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> server.getJson(href)
                .get("status").asText().equals("done"));
        var progress = server.getJson(href).get("progress");
        assertThat(progress.get("events").asLong()).isEqualTo(11);
        assertThat(progress.get("total").asLong()).isEqualTo(11);
    }

    @Test
    void aLargeInput_runsAsAJob_withProgress_thenTheResult() throws Exception {
        start(TestServer.config(data).withReplayJobBytes(1_000));
        deploy("fraud", DECLARE + LARGE);
        var body = ndjson(events(200, T0));

        var accepted = server.send("POST", "/api/v1/replays?ruleset=fraud", body, "application/x-ndjson", ADMIN_TOKEN);

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        var href = read(accepted).get("href").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> server.getJson(href)
                .get("status").asText().equals("done"));
        var job = server.getJson(href);
        assertThat(job.get("progress").get("events").asLong()).isEqualTo(200);
        assertThat(job.get("result").get("stats").get("alerts").asLong()).isEqualTo(50);
        assertThat(server.get("/api/v1/replays/nope").statusCode()).isEqualTo(404);
    }

    @Test
    void badInput_namesTheLine_andInlineRulesNeedTheRightToDeploy() throws Exception {
        start();
        deploy("fraud", DECLARE + LARGE);
        var reader = read(server.post("/api/v1/tokens", toJson(Map.of("name", "reader",
                "scopes", List.of("rules:read"))))).get("token").asText();

        var bad = server.send("POST", "/api/v1/replays?ruleset=fraud", ndjson(events(3, T0)) + "{oops\n", "application/x-ndjson", ADMIN_TOKEN);
        var inline = server.send("POST", "/api/v1/replays", toJson(Map.of("files", Map.of("x.drl", DECLARE + LARGE),
                "events", events(2, T0))), "application/json", reader);
        var deployed = server.send("POST", "/api/v1/replays", toJson(Map.of("ruleset", "fraud",
                "events", events(2, T0))), "application/json", reader);
        var broken = server.post("/api/v1/replays", toJson(Map.of("files", Map.of("x.drl", DECLARE + "rule x when Nope() then end"),
                "events", events(2, T0))));

        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(read(bad).get("details").get(0).get("line").asInt()).isEqualTo(4);
        assertThat(inline.statusCode()).isEqualTo(403);
        assertThat(deployed.statusCode()).isEqualTo(200);
        assertThat(broken.statusCode()).isEqualTo(422);
        assertThat(read(broken).get("details").get(0).get("line").asInt()).isPositive();
    }
}
