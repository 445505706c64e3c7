package dev.vigil.engine.session;

import static dev.vigil.engine.RuleHarness.at;
import static dev.vigil.engine.TestRules.NO_LOGOUT;
import static dev.vigil.engine.TestRules.TRANSACTION;
import static dev.vigil.engine.TestRules.burst;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.engine.RuleHarness;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.AlertContext;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CEP building blocks on an event-time pseudo clock, each checked on both sides of its boundary. */
class TemporalRulesTest {
    private static final String BURST = TRANSACTION + burst(5);

    private static void fiveTransactions(RuleHarness h, String account) {
        for (var t : new String[] {"0:00", "0:10", "0:20", "0:30", "0:40"}) {
            h.send("Transaction", t, "accountId", account, "amount", 1.0);
        }
    }

    @Test
    void slidingWindow_sixthEventWithin60s_fires() {
        try (var h = RuleHarness.of(BURST)) {
            fiveTransactions(h, "a1");
            assertThat(h.alerts()).isEmpty();

            h.send("Transaction", "0:59.999", "accountId", "a1", "amount", 1.0);

            assertThat(h.alerts()).singleElement().satisfies(a -> {
                assertThat(a.key()).isEqualTo("a1");
                assertThat(a.eventTime()).isEqualTo(at("0:59.999"));
                assertThat(a.evidence()).as("every transaction in the window is a trigger: the first one's match fires")
                        .containsExactly("e1");
                assertThat(a.context()).isEqualTo(new AlertContext(6, List.of("e2", "e3", "e4", "e5", "e6")));
            });
        }
    }

    @Test
    void slidingWindow_sixthEventWhenFirstHasLeft_doesNotFire() {
        try (var h = RuleHarness.of(BURST)) {
            fiveTransactions(h, "a1");

            h.send("Transaction", "1:00", "accountId", "a1", "amount", 1.0);

            assertThat(h.alerts()).isEmpty();
        }
    }

    @Test
    void slidingWindow_countsPerKey() {
        try (var h = RuleHarness.of(BURST)) {
            fiveTransactions(h, "a1");
            h.send("Transaction", "0:50", "accountId", "a2", "amount", 1.0);
            assertThat(h.alerts()).isEmpty();

            h.send("Transaction", "0:55", "accountId", "a1", "amount", 1.0);

            assertThat(h.alerts()).extracting(Alert::key).containsExactly("a1");
        }
    }

    @Test
    void slidingWindow_eventsExpireWithTheWindow() {
        try (var h = RuleHarness.of(BURST)) {
            fiveTransactions(h, "a1");
            h.advanceTo("1:39.999");
            assertThat(h.stats().factCount()).isEqualTo(1);

            h.advanceTo("1:40");

            assertThat(h.stats().factCount()).isZero();
        }
    }

    @Test
    void lengthWindow_countsOnlyTheLastThreeEvents() {
        var drl = TRANSACTION + """
                rule "three large in a row"
                when
                    Number(doubleValue > 3000) from accumulate(Transaction($a : amount) over window:length(3), sum($a))
                then
                    alerts.raise("all", "the last three transactions sum over 3000");
                end
                """;
        try (var h = RuleHarness.of(drl)) {
            h.send("Transaction", "0:01", "accountId", "a1", "amount", 2000.0);
            h.send("Transaction", "0:02", "accountId", "a1", "amount", 500.0);
            h.send("Transaction", "0:03", "accountId", "a1", "amount", 500.0);
            assertThat(h.alerts()).as("2000 + 500 + 500 is not over 3000").isEmpty();
            h.send("Transaction", "0:04", "accountId", "a1", "amount", 600.0);
            assertThat(h.alerts()).as("2000 has left the last three: 500 + 500 + 600").isEmpty();

            h.send("Transaction", "0:05", "accountId", "a1", "amount", 2000.0);
            assertThat(h.alerts()).as("500 + 600 + 2000").singleElement()
                    .satisfies(a -> {
                        assertThat(a.evidence()).as("no pattern binds an event").isEmpty();
                        assertThat(a.context()).isEqualTo(new AlertContext(3, List.of("e3", "e4", "e5")));
                    });
        }
    }

    private static final String LOGIN_THEN_TRANSFER = """
            package fraud;
            declare Login
                @role(event)
                @timestamp(time)
                time : long
                user : String
            end
            declare Transfer
                @role(event)
                @timestamp(time)
                time : long
                user : String
                amount : double
            end
            rule "transfer right after login"
            when
                $l : Login($u : user)
                $t : Transfer(user == $u, this after[0s,10s] $l)
            then
                alerts.raise($u, "transfer within 10 s of login");
            end
            rule "transfer just before login"
            when
                $t : Transfer($u : user)
                $l : Login(user == $u, this after[0s,10s] $t)
            then
                alerts.raise($u, "login within 10 s after a transfer");
            end
            """;

    @Test
    void after_atTenSecondsFires_afterTenSecondsDoesNot() {
        try (var h = RuleHarness.of(LOGIN_THEN_TRANSFER)) {
            h.send("Login", "0:00", "user", "u1");
            h.send("Transfer", "0:10", "user", "u1", "amount", 5.0);
            assertThat(h.alerts()).extracting(Alert::rule).containsExactly("transfer right after login");
        }
        try (var h = RuleHarness.of(LOGIN_THEN_TRANSFER)) {
            h.send("Login", "0:00", "user", "u1");
            h.send("Transfer", "0:10.001", "user", "u1", "amount", 5.0);
            assertThat(h.alerts()).isEmpty();
        }
    }

    @Test
    void before_theTransferPrecedesTheLogin() {
        var drl = LOGIN_THEN_TRANSFER.replace("$l : Login(user == $u, this after[0s,10s] $t)",
                "$l : Login(user == $u, $t before[0s,10s] this)");
        try (var h = RuleHarness.of(drl)) {
            h.send("Transfer", "0:00", "user", "u1", "amount", 5.0);
            h.send("Login", "0:10", "user", "u1");
            assertThat(h.alerts()).extracting(Alert::rule).containsExactly("transfer just before login");
        }
        try (var h = RuleHarness.of(drl)) {
            h.send("Transfer", "0:00", "user", "u1", "amount", 5.0);
            h.send("Login", "0:10.001", "user", "u1");
            assertThat(h.alerts()).isEmpty();
        }
    }

    /** Maintenance and outages with durations, and rules on {@code during} and {@code overlaps}. */
    static final String OUTAGES = """
            package ops;
            declare Maintenance
                @role(event)
                @timestamp(start)
                @duration(length)
                start : long
                length : long
                host : String
            end
            declare Outage
                @role(event)
                @timestamp(start)
                @duration(length)
                start : long
                length : long
                host : String
            end
            rule "outage during maintenance"
            when
                $m : Maintenance($h : host)
                $o : Outage(host == $h, this during $m)
            then
                alerts.raise($h, "outage inside a maintenance window");
            end
            rule "outage overlapping maintenance"
            when
                $m : Maintenance($h : host)
                $o : Outage(host == $h, this overlaps $m)
            then
                alerts.raise($h, "outage began before maintenance and ran into it");
            end
            """;

    @Test
    void during_outageStrictlyInsideMaintenance() {
        try (var h = RuleHarness.of(OUTAGES)) {
            h.send("Maintenance", "0:00", "host", "h1", "length", 600_000);
            h.send("Outage", "1:00", "host", "h1", "length", 60_000);
            assertThat(h.alerts()).extracting(Alert::rule).containsExactly("outage during maintenance");
        }
        try (var h = RuleHarness.of(OUTAGES)) {
            h.send("Maintenance", "0:00", "host", "h1", "length", 600_000);
            h.send("Outage", "9:30", "host", "h1", "length", 60_000);
            assertThat(h.alerts()).as("ends after the maintenance does").isEmpty();
        }
    }

    @Test
    void overlaps_outageStartsBeforeAndEndsInside() {
        try (var h = RuleHarness.of(OUTAGES)) {
            h.send("Outage", "0:00", "host", "h1", "length", 120_000);
            h.send("Maintenance", "1:00", "host", "h1", "length", 600_000);
            assertThat(h.alerts()).extracting(Alert::rule).containsExactly("outage overlapping maintenance");
        }
        try (var h = RuleHarness.of(OUTAGES)) {
            h.send("Outage", "0:00", "host", "h1", "length", 60_000);
            h.send("Maintenance", "1:00", "host", "h1", "length", 600_000);
            assertThat(h.alerts()).as("ended when the maintenance began: meets, not overlaps").isEmpty();
        }
    }

    @Test
    void absence_firesAtExactlyFiveMinutes_notAtFourFiftyNine999() {
        try (var h = RuleHarness.of(NO_LOGOUT)) {
            h.send("Login", "0:00", "user", "u1");

            h.advanceTo("4:59.999");
            assertThat(h.alerts()).isEmpty();

            h.advanceTo("5:00");
            assertThat(h.alerts()).singleElement().satisfies(a -> {
                assertThat(a.eventTime()).isEqualTo(at("5:00"));
                assertThat(a.evidence()).containsExactly("e1");
            });
        }
    }

    @Test
    void absence_logoutInTime_preventsTheAlert() {
        try (var h = RuleHarness.of(NO_LOGOUT)) {
            h.send("Login", "0:00", "user", "u1");
            h.send("Logout", "5:00", "user", "u1");
            h.advanceTo("10:00");
            assertThat(h.alerts()).isEmpty();
        }
    }

    @Test
    void absence_clockJumpingPastSeveralTimers_firesEachAtItsOwnTime() {
        try (var h = RuleHarness.of(NO_LOGOUT)) {
            h.send("Login", "0:00", "user", "u1");
            h.send("Login", "0:30", "user", "u2");

            h.send("Logout", "9:00", "user", "u3");

            assertThat(h.alerts()).extracting(Alert::key, Alert::eventTime)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("u1", at("5:00")),
                            org.assertj.core.groups.Tuple.tuple("u2", at("5:30")));
        }
    }

    @Test
    void expires_removesEventsFromWorkingMemoryAtItsBound() {
        var drl = """
                package ops;
                declare Heartbeat
                    @role(event)
                    @timestamp(time)
                    @expires(30s)
                    time : long
                    host : String
                end
                rule "any heartbeat"
                when
                    Heartbeat()
                then
                end
                """;
        try (var h = RuleHarness.of(drl)) {
            h.send("Heartbeat", "0:00", "host", "h1");
            h.send("Heartbeat", "0:10", "host", "h2");

            h.advanceTo("0:30");
            assertThat(h.stats().factCount()).isEqualTo(2);
            h.advanceTo("0:30.001");
            assertThat(h.stats().factCount()).isEqualTo(1);
            h.advanceTo("0:40.001");
            assertThat(h.stats().factCount()).isZero();
        }
    }
}
