package dev.vigil.engine.alert;

import static dev.vigil.engine.TestRules.TRANSACTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.vigil.engine.RuleHarness;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.AlertContext;
import dev.vigil.engine.profile.ProfileRulesTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An alert's evidence is what the rule's patterns bound (its trigger); what its accumulates
 * folded is its context, a count and the newest ids.
 */
class EvidenceAndContextTest {
    /** Six transactions of an account within 10 minutes, judged on the newest: the rule language's count. */
    private static final String VELOCITY = TRANSACTION + """
            rule "velocity"
            when
                $t : Transaction($acc : accountId) over window:time(10m)
                not Transaction(accountId == $acc, this after $t) over window:time(10m)
                accumulate(Transaction(accountId == $acc) over window:time(10m); $n : count(); $n >= 6)
            then
                alerts.raise($acc, $n + " transactions within 10 minutes");
            end
            """;

    private static void sixTransactions(RuleHarness h) {
        for (int minute = 0; minute < 6; minute++) {
            h.send("Transaction", minute + ":00", "accountId", "a1", "amount", 10.0);
        }
    }

    @Test
    void countOverAWindow_evidenceIsTheTrigger_contextTheWindowsEventsWithTheNewestFiveIds() {
        try (var h = RuleHarness.of(VELOCITY)) {
            sixTransactions(h);

            assertThat(h.alerts()).singleElement().satisfies(a -> {
                assertThat(a.message()).isEqualTo("6 transactions within 10 minutes");
                assertThat(a.evidence()).containsExactly("e6");
                assertThat(a.context()).isEqualTo(new AlertContext(6, List.of("e2", "e3", "e4", "e5", "e6")));
            });
        }
    }

    @Test
    void countOverAWindow_contextFollowsTheWindow_atNineFiftyNine999AndAtTen() {
        try (var h = RuleHarness.of(VELOCITY)) {
            sixTransactions(h);
            h.send("Transaction", "9:59.999", "accountId", "a1", "amount", 10.0);
            assertThat(h.alerts()).last().satisfies(a -> {
                assertThat(a.evidence()).containsExactly("e7");
                assertThat(a.context()).isEqualTo(new AlertContext(7, List.of("e3", "e4", "e5", "e6", "e7")));
            });

            h.send("Transaction", "10:00", "accountId", "a1", "amount", 10.0);

            assertThat(h.alerts()).hasSize(3).last().satisfies(a -> {
                assertThat(a.evidence()).containsExactly("e8");
                assertThat(a.context()).as("e1 of 0:00 has left the window").isEqualTo(new AlertContext(7, List.of("e4", "e5", "e6", "e7", "e8")));
            });
        }
    }

    @Test
    void sequence_evidenceIsEveryBoundEvent_andThereIsNoContext() {
        var drl = """
                package fraud;
                declare Login
                    @role(event)
                    @timestamp(time)
                    @expires(1h)
                    time : long
                    user : String
                end
                declare Transfer
                    @role(event)
                    @timestamp(time)
                    @expires(1h)
                    time : long
                    user : String
                    amount : double
                end
                rule "large transfer right after a login"
                when
                    $l : Login($u : user)
                    $t : Transfer(user == $u, amount > 1000, this after[0s, 5m] $l)
                then
                    alerts.raise($u, "transfer of " + $t.getAmount() + " right after a login");
                end
                """;
        try (var h = RuleHarness.of(drl)) {
            h.send("Login", "0:00", "user", "u1");
            h.send("Transfer", "1:00", "user", "u1", "amount", 5000.0);

            assertThat(h.alerts()).singleElement().satisfies(a -> {
                assertThat(a.evidence()).containsExactly("e1", "e2");
                assertThat(a.context()).isEqualTo(AlertContext.NONE);
            });
        }
    }

    @Test
    void sameTriggerAgainstAnotherWindow_isTheSameAlert_droppedAsARepeat() {
        // The accumulate is not tied to the large transaction's time: each later transaction of the
        // account changes its count, and the rule fires again on the same trigger.
        var drl = TRANSACTION + """
                rule "large transaction on a busy account"
                when
                    $t : Transaction(amount > 1000, $acc : accountId) over window:time(10m)
                    accumulate(Transaction(accountId == $acc) over window:time(10m); $n : count(); $n >= 3)
                then
                    alerts.raise($acc, "large transaction among " + $n);
                end
                """;
        try (var h = RuleHarness.of(drl)) {
            h.send("Transaction", "0:00", "accountId", "a1", "amount", 5000.0);
            h.send("Transaction", "0:01", "accountId", "a1", "amount", 10.0);
            h.send("Transaction", "0:02", "accountId", "a1", "amount", 10.0);
            assertThat(h.alerts()).singleElement().satisfies(a -> {
                assertThat(a.message()).isEqualTo("large transaction among 3");
                assertThat(a.evidence()).containsExactly("e1");
                assertThat(a.context()).isEqualTo(new AlertContext(3, List.of("e1", "e2", "e3")));
            });

            h.send("Transaction", "0:03", "accountId", "a1", "amount", 10.0);

            assertThat(h.alerts()).extracting(Alert::message).containsExactly("large transaction among 3");
            assertThat(h.stats().duplicates()).isEqualTo(1);
        }
    }

    @Test
    void aProfileBoundByAPattern_addsTheEventsItHoldsToTheContext() {
        try (var h = RuleHarness.of(ProfileRulesTest.DRL)) {
            h.send("Transaction", "0:00", "cardId", "c1", "amount", 40.0);
            h.send("Transaction", "1:00", "cardId", "c1", "amount", 50.0);
            h.send("Transaction", "2:00", "cardId", "c1", "amount", 45.0);
            h.send("Transaction", "3:00", "cardId", "c1", "amount", 60.0);
            h.finish();

            assertThat(h.alerts()).singleElement().satisfies(a -> {
                assertThat(a.message()).isEqualTo("card c1: 60 over its highest 50");
                assertThat(a.evidence()).containsExactly("e4");
                assertThat(a.context()).as("the profile's three payments, held as summaries: no ids")
                        .isEqualTo(new AlertContext(3, List.of()));
            });
        }
    }

    @Test
    void accumulateOfFactsThatAreNoEvents_countsNoEvents() {
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
                rule "opened while other accounts are open"
                when
                    $o : Opened($id : accountId)
                    accumulate(Account(id != $id); $n : count(); $n > 0)
                then
                    alerts.raise($id, "opened beside " + $n);
                end
                """;
        try (var h = RuleHarness.of(drl)) {
            h.send("Opened", "0:00", "accountId", "a1");
            h.send("Opened", "0:01", "accountId", "a2");

            assertThat(h.alerts()).extracting(Alert::key, Alert::evidence, Alert::context).containsExactlyInAnyOrder(
                    tuple("a1", List.of("e1"), AlertContext.NONE), tuple("a2", List.of("e2"), AlertContext.NONE));
        }
    }
}
