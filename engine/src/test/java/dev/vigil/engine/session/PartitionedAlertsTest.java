package dev.vigil.engine.session;

import static dev.vigil.engine.RuleHarness.JSON;
import static dev.vigil.engine.RuleHarness.T0;
import static dev.vigil.engine.TestRules.NO_LOGOUT;
import static dev.vigil.engine.TestRules.TRANSACTION;
import static dev.vigil.engine.TestRules.burst;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.engine.RuleHarness;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.Partitioning;
import dev.vigil.engine.api.RuleSetSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A partitioned rule set raises the alerts the same rule set raises in one session, with the same
 * ids, evidence and times: over the temporal operators, sliding windows, sequences and absences,
 * on a seeded stream of many keys that arrives a little out of order and now and then late.
 */
@Tag("slow")
class PartitionedAlertsTest {
    private static final int EVENTS = 1_500;
    private static final int KEYS = 40;
    private static final Duration LATENESS = Duration.ofSeconds(2);

    private static final String LOGIN_THEN_TRANSFER = """
            package fraud;
            declare Login @role(event) @timestamp(time) time : long  user : String end
            declare Transfer @role(event) @timestamp(time) time : long  user : String  amount : double end
            rule "transfer right after login"
            when
                $l : Login($u : user)
                $t : Transfer(user == $u, this after[0s,10s] $l)
            then
                alerts.raise($u, "transfer within 10 s of login");
            end
            rule "login right after transfer"
            when
                $t : Transfer($u : user)
                $l : Login(user == $u, $t before[0s,10s] this)
            then
                alerts.raise($u, "login within 10 s after a transfer");
            end
            """;

    private static final String TYPES = """
            package lang;
            declare Tx @role(event) @timestamp(time)
                id : String  time : long  card : String  amount : double
            end
            declare Order @role(event) @timestamp(time)
                id : String  time : long  orderId : String  amount : double
            end
            declare Payment @role(event) @timestamp(time)
                id : String  time : long  orderId : String  amount : double
            end
            """;

    private static final String SEQUENCE = """
            rule: small then large
            when:
              pattern: sequence
              per: card
              within: 2m
              steps:
                - {event: Tx, where: amount < 20}
                - {event: Tx, where: amount > 5 * first.amount}
            then: {message: "{first.amount} then {amount}"}
            """;

    private static final String VELOCITY = """
            rule: velocity
            when: {pattern: count, event: Tx, where: amount > 0, per: card, count: "> 3", within: 1m}
            """;

    private static final String UNPAID = """
            rule: unpaid
            when: {pattern: absence, event: Order, per: orderId, within: 1m, missing: {event: Payment, where: "amount >= first.amount"}}
            then: {message: "order {orderId} of {amount} not paid"}
            """;

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("sliding window", Map.of("rules.drl", TRANSACTION + burst(3)), Partitioning.by("accountId"),
                        events((random, key) -> random.nextBoolean() ? null
                                : node("Transaction", "accountId", key, "amount", random.nextInt(500)))),
                Arguments.of("after and before", Map.of("rules.drl", LOGIN_THEN_TRANSFER), Partitioning.by("user"),
                        events((random, key) -> random.nextBoolean() ? node("Login", "user", key)
                                : node("Transfer", "user", key, "amount", random.nextInt(500)))),
                Arguments.of("during and overlaps", Map.of("rules.drl", TemporalRulesTest.OUTAGES), Partitioning.by("host"),
                        events((random, key) -> node(random.nextInt(3) == 0 ? "Maintenance" : "Outage", "host", key,
                                "length", 1_000 + random.nextInt(60_000)))),
                Arguments.of("absence", Map.of("rules.drl", NO_LOGOUT), Partitioning.by("user"),
                        events((random, key) -> node(random.nextInt(3) == 0 ? "Logout" : "Login", "user", key))),
                Arguments.of("rule language", Map.of("types.drl", TYPES, "sequence.rule.yaml", SEQUENCE,
                                "velocity.rule.yaml", VELOCITY, "unpaid.rule.yaml", UNPAID),
                        Partitioning.by(Map.of("Tx", "card", "Order", "orderId", "Payment", "orderId")),
                        events((random, key) -> switch (random.nextInt(4)) {
                            case 0 -> node("Order", "orderId", key, "amount", 10 + random.nextInt(90));
                            case 1 -> node("Payment", "orderId", key, "amount", random.nextInt(100));
                            default -> node("Tx", "card", key, "amount", 1 + random.nextInt(200));
                        })));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void partitionedRunsRaiseTheAlertsOfOneSession(String name, Map<String, String> files, Partitioning key, List<ObjectNode> events) {
        var settings = RuleSetSettings.DEFAULTS.withAllowedLateness(LATENESS);
        var expected = run(files, settings, events);
        assertThat(expected).as("the case must raise alerts to compare").hasSizeGreaterThan(20);
        for (int partitions : new int[] {1, 2, 4}) {
            var actual = run(files, settings.withPartitioning(key.withPartitions(partitions)), events);
            assertThat(actual).as("%s at P = %d", name, partitions).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void eventsOfATypeWithoutAKey_goToEveryPartition_andWhatTheyRaiseAloneIsRaisedOnce() {
        var types = """
                package fraud;
                declare Tx @role(event) @timestamp(time) id : String  time : long  cardId : String  terminal : String end
                declare Report @role(event) @timestamp(time) id : String  time : long  cardId : String  terminal : String end
                rule "used at a reported terminal"
                when
                    $r : Report($t : terminal)
                    $x : Tx(terminal == $t, this after[0s, 1h] $r, $card : cardId)
                then
                    alerts.raise($card, "terminal " + $t + " was reported");
                end
                """;
        var reported = """
                rule: reported
                when: {pattern: match, event: Report, where: cardId != null, per: cardId}
                then: {message: "card {cardId}"}
                """;
        var key = Partitioning.by(Map.of("Tx", "cardId")).withPartitions(4);
        try (var h = RuleHarness.of(Map.of("t.drl", types, "r.rule.yaml", reported), RuleSetSettings.DEFAULTS.withPartitioning(key))) {
            h.send("Report", "0:01", "cardId", "c0", "terminal", "t1");
            for (int card = 1; card <= 8; card++) {
                h.send("Tx", "0:02", "cardId", "c" + card, "terminal", "t1");
            }
            assertThat(h.alerts()).filteredOn(a -> a.rule().equals("reported")).as("raised by one partition").hasSize(1);
            assertThat(h.alerts()).filteredOn(a -> a.rule().equals("used at a reported terminal")).extracting(Alert::key)
                    .as("every partition joins the report with its own cards")
                    .containsExactlyInAnyOrder("c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8");
        }
    }

    /** The alerts of one run, as what identifies them, in id order. */
    private static List<String> run(Map<String, String> files, RuleSetSettings settings, List<ObjectNode> events) {
        try (var h = RuleHarness.of(files, settings)) {
            for (var event : events) {
                h.send(event.deepCopy());
            }
            h.advanceTo("2:00:00");
            assertThat(h.stats().lateEvents()).as("the stream has late events").isPositive();
            return h.alerts().stream().sorted(Comparator.comparing(Alert::id))
                    .map(a -> a.id() + " " + a.rule() + " " + a.key() + " " + a.eventTime() + " " + a.evidence())
                    .toList();
        }
    }

    /**
     * A seeded stream: events of {@link #KEYS} keys about a second apart, each shuffled with its
     * neighbour now and then (within the lateness), and one in fifty later than the lateness.
     */
    private static List<ObjectNode> events(BiFunction<Random, String, ObjectNode> make) {
        var random = new Random(20);
        var out = new ArrayList<ObjectNode>();
        long time = T0.toEpochMilli();
        int id = 0;
        while (out.size() < EVENTS) {
            time += random.nextInt(2_000);
            var node = make.apply(random, "k" + random.nextInt(KEYS));
            if (node == null) {
                continue;
            }
            long at = random.nextInt(50) == 0 ? time - 10_000 : time;
            node.put("id", "e" + ++id).put("time", Instant.ofEpochMilli(at).toString());
            out.add(node);
        }
        for (int i = 1; i < out.size(); i += 1 + random.nextInt(3)) {
            var previous = out.get(i - 1);
            out.set(i - 1, out.get(i));
            out.set(i, previous);
        }
        return out;
    }

    private static ObjectNode node(String type, Object... fields) {
        var node = JSON.createObjectNode().put("type", type);
        for (int i = 0; i < fields.length; i += 2) {
            node.set((String) fields[i], JSON.valueToTree(fields[i + 1]));
        }
        return node;
    }
}
