package dev.vigil.engine.alert;

import static dev.vigil.engine.RuleHarness.at;
import static dev.vigil.engine.TestRules.TRANSACTION;
import static dev.vigil.engine.TestRules.burst;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.engine.RuleHarness;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.Severity;
import dev.vigil.engine.api.AlertContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a rule's {@code alerts.raise} produces: records with severity, evidence, stable ids, suppression. */
class AlertsTest {
    private static final String LARGE = """
            package fraud;
            declare Transaction
                @role(event)
                @timestamp(time)
                @expires(1h)
                time : long
                accountId : String
                amount : double
            end
            rule "large transaction"
                @severity("high")
                @suppress("10m")
            when
                $t : Transaction(amount > 1000, $acc : accountId, $amount : amount)
            then
                alerts.raise($acc, "large transaction", java.util.Map.of("amount", $amount));
            end
            rule "negative amount"
            when
                Transaction(amount < 0, $acc : accountId)
            then
                alerts.raise($acc, "negative amount");
            end
            """;

    @Test
    void raise_buildsTheAlertFromTheRuleAndTheMatch() {
        try (var h = RuleHarness.of(LARGE)) {
            h.send("Transaction", "0:05", "accountId", "a1", "amount", 5000.0);
            h.send("Transaction", "0:06", "accountId", "a2", "amount", -1.0);

            assertThat(h.alerts()).hasSize(2);
            var large = h.alerts().get(0);
            assertThat(large.ruleSet()).isEqualTo("test");
            assertThat(large.version()).isEqualTo(1);
            assertThat(large.rule()).isEqualTo("large transaction");
            assertThat(large.severity()).isEqualTo(Severity.HIGH);
            assertThat(large.key()).isEqualTo("a1");
            assertThat(large.message()).isEqualTo("large transaction");
            assertThat(large.eventTime()).isEqualTo(at("0:05"));
            assertThat(large.evidence()).containsExactly("e1");
            assertThat(large.attributes()).isEqualTo(Map.of("amount", 5000.0));
            assertThat(h.alerts().get(1).severity()).as("default").isEqualTo(Severity.MEDIUM);
        }
    }

    @Test
    void suppress_holdsBackAlertsForTheSameKeyWithinTheDuration_notAfter() {
        try (var h = RuleHarness.of(LARGE)) {
            h.send("Transaction", "0:00", "accountId", "a1", "amount", 5000.0);
            h.send("Transaction", "9:59.999", "accountId", "a1", "amount", 5000.0);
            h.send("Transaction", "9:59.999", "accountId", "a2", "amount", 5000.0);
            assertThat(h.alerts()).extracting(Alert::key).containsExactly("a1", "a2");
            assertThat(h.stats().suppressed()).isEqualTo(1);

            h.send("Transaction", "10:00", "accountId", "a1", "amount", 5000.0);

            assertThat(h.alerts()).extracting(Alert::key, Alert::eventTime).last()
                    .isEqualTo(org.assertj.core.groups.Tuple.tuple("a1", at("10:00")));
        }
    }

    @Test
    void ids_areTheSameForTheSameInput_andDifferForADifferentCause() {
        List<String> first;
        List<String> second;
        try (var h = RuleHarness.of(LARGE)) {
            h.send("Transaction", "0:00", "accountId", "a1", "amount", 5000.0);
            h.send("Transaction", "0:01", "accountId", "a2", "amount", -5.0);
            first = h.alerts().stream().map(Alert::id).toList();
        }
        try (var h = RuleHarness.of(LARGE)) {
            h.send("Transaction", "0:00", "accountId", "a1", "amount", 5000.0);
            h.send("Transaction", "0:01", "accountId", "a2", "amount", -5.0);
            second = h.alerts().stream().map(Alert::id).toList();
        }
        assertThat(first).hasSize(2).doesNotHaveDuplicates().isEqualTo(second);
        assertThat(first).allMatch(id -> id.matches("[0-9a-f]{32}"));
    }

    @Test
    void throwingConsequence_isReported_andTheSessionKeepsRunning() {
        var drl = LARGE.replace("alerts.raise($acc, \"negative amount\");",
                "if ($acc.equals(\"boom\")) { throw new IllegalStateException(\"cannot handle \" + $acc); }\n"
                        + "        alerts.raise($acc, \"negative amount\");");
        try (var h = RuleHarness.of(drl)) {
            h.send("Transaction", "0:00", "accountId", "boom", "amount", -1.0);

            assertThat(h.errors()).singleElement().satisfies(e -> {
                assertThat(e.rule()).isEqualTo("negative amount");
                assertThat(e.message()).isEqualTo("java.lang.IllegalStateException: cannot handle boom");
                assertThat(e.eventTime()).isEqualTo(at("0:00"));
            });
            assertThat(h.stats().ruleErrors()).isEqualTo(1);

            h.send("Transaction", "0:01", "accountId", "a1", "amount", -1.0);
            h.send("Transaction", "0:02", "accountId", "a2", "amount", 2000.0);

            assertThat(h.alerts()).extracting(Alert::key).containsExactly("a1", "a2");
        }
    }

    @Test
    void sameMatchFiringTwice_raisesOneAlert() {
        // Every transaction in the window is a trigger, so the sixth event activates the rule once
        // per transaction; all six matches have the same facts and thus are one alert.
        var drl = TRANSACTION + burst(5);
        try (var h = RuleHarness.of(drl)) {
            for (int i = 0; i < 6; i++) {
                h.send("Transaction", "0:0" + i, "accountId", "a1");
            }
            assertThat(h.alerts()).hasSize(1);
            assertThat(h.stats().duplicates()).isEqualTo(5);
        }
    }

    @Test
    void sameFactsThroughEveryTrigger_areRememberedAsOneMatch() {
        // Each of the six transactions enters the accumulate and gets a count of its own, so the
        // six firings differ in the count's handle; their facts, and so their alert, are the same.
        var drl = TRANSACTION + burst(5);
        try (var h = RuleHarness.of(drl)) {
            for (int i = 0; i < 6; i++) {
                h.send("Transaction", "0:0" + i, "accountId", "a1");
            }
            assertThat(h.alerts()).singleElement().satisfies(a -> assertThat(a.context().events()).isEqualTo(6));
            assertThat(h.stats().remembered()).as("the alert's id and its match").isEqualTo(2);
        }
    }

    @Test
    void accumulateOfFactsAlone_raisesAgainWhenItsFactsChange() {
        // Without events an alert's id holds the time it fired, and its match is remembered by all
        // its handles: a fact coming makes another match, and another alert.
        var drl = """
                package fraud;
                declare Opened
                    @role(event)
                    @timestamp(time)
                    @expires(1m)
                    time : long
                    accountId : String
                end
                declare Account
                    id : String
                end
                rule "open"
                when
                    Opened($id : accountId)
                then
                    insert(new Account($id));
                end
                rule "accounts"
                when
                    $n : Number(intValue > 0) from accumulate(Account(), count(1))
                then
                    alerts.raise("all", "accounts: " + $n);
                end
                """;
        try (var h = RuleHarness.of(drl)) {
            h.send("Opened", "0:00", "accountId", "a1");
            h.send("Opened", "0:01", "accountId", "a2");

            assertThat(h.alerts()).extracting(Alert::message).containsExactly("accounts: 1", "accounts: 2");
            assertThat(h.alerts()).extracting(Alert::evidence).containsOnly(List.of());
            assertThat(h.alerts()).extracting(Alert::context).as("accounts are no events").containsOnly(AlertContext.NONE);
        }
    }

    @Test
    void remembered_forgetsAlertsOnceTheirEventsHaveLeftTheSession_notBefore() {
        // Transactions stay 1 h and 1 ms (Drools' expiry): an alert of 0:00 can only come again
        // while its event is there, up to 1:00:00.001.
        try (var h = RuleHarness.of(LARGE)) {
            h.send("Transaction", "0:00", "accountId", "a1", "amount", -1);
            h.send("Transaction", "0:01", "accountId", "a2", "amount", -1);
            assertThat(h.stats().remembered()).as("an id and a match per alert").isEqualTo(4);

            h.send("Transaction", "1:00:00.001", "accountId", "a3", "amount", -1);
            assertThat(h.stats().remembered()).isEqualTo(6);

            h.send("Transaction", "1:00:00.002", "accountId", "a4", "amount", -1);
            assertThat(h.stats().remembered()).as("the alert of 0:00 forgotten").isEqualTo(6);
            assertThat(h.alerts()).hasSize(4);
        }
    }

    @Test
    void remembered_keepsAlertsWhenEventsMayStayWithoutBound() {
        var drl = LARGE.replace("@expires(1h)", "");
        try (var h = RuleHarness.of(drl)) {
            h.send("Transaction", "0:00", "accountId", "a1", "amount", -1);
            h.send("Transaction", "9:00:00", "accountId", "a2", "amount", -1);
            assertThat(h.stats().remembered()).isEqualTo(4);
        }
    }
}
