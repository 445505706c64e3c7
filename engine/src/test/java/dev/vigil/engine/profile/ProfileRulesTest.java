package dev.vigil.engine.profile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.engine.RuleHarness;
import dev.vigil.engine.api.Alert;
import org.junit.jupiter.api.Test;

/** The profile idiom of DRL, run by real Drools: one profile per card, judged before the payment joins it. */
public class ProfileRulesTest {
    public static final String DRL = """
            package cards;
            import dev.vigil.engine.profile.Profile;
            import dev.vigil.engine.profile.Summary;
            import dev.vigil.engine.profile.Sweep;

            declare Transaction
                @role(event)
                @timestamp(time)
                id : String
                time : long
                cardId : String
                amount : double
            end

            rule "amount profile: open"
                salience 100
            when
                Transaction($card : cardId) over window:time(1m)
                not Profile(name == "amount", key == $card)
            then
                insert(Profile.of("amount", $card, "1d", "30d").openedAt(alerts.now()));
            end

            rule "amount profile: add"
                salience -100
            when
                $t : Transaction($card : cardId) over window:time(1m)
                $p : Profile(name == "amount", key == $card)
            then
                $p.add($t.getTime(), $t.getAmount());
            end

            rule "amount profile: start the round"
            when
                exists Profile(name == "amount")
                not Sweep(name == "amount")
            then
                insert(new Sweep("amount", alerts.now()));
            end

            rule "amount profile: round"
                timer (int: 1d 1d)
            when
                $s : Sweep(name == "amount")
            then
                modify($s) { setTime(alerts.now()) }
            end

            rule "amount profile: forget idle cards"
                salience -1000
            when
                Sweep(name == "amount", $now : time)
                $p : Profile(name == "amount", lastTime <= $now - span)
            then
                if ($p.idle(alerts.now())) { delete($p); }
            end

            rule "above the card's highest"
            when
                $t : Transaction($card : cardId) over window:time(1m)
                $p : Profile(name == "amount", key == $card)
                $usual : Summary(count() >= 3, $t.amount > max()) from $p.last($t.getTime(), "30d")
            then
                alerts.raise($card, "card " + $card + ": " + alerts.text($t.getAmount()) + " over its highest " + alerts.text($usual.max()),
                        alerts.attributes("transaction", $t.getId()));
            end
            """;

    /** {@code h:mm:ss} of day {@code day} after the harness' start. */
    private static String day(int day, String time) {
        var parts = time.split(":");
        return (day * 24 + Integer.parseInt(parts[0])) + ":" + parts[1] + ":" + parts[2];
    }

    @Test
    void aPayment_isJudgedByTheCardsHistoryWithoutItself() {
        try (var h = RuleHarness.of(DRL)) {
            h.send("Transaction", day(0, "0:00:00"), "cardId", "c1", "amount", 40.0);
            h.send("Transaction", day(1, "0:00:00"), "cardId", "c1", "amount", 50.0);
            h.send("Transaction", day(2, "0:00:00"), "cardId", "c1", "amount", 45.0);
            h.send("Transaction", day(3, "0:00:00"), "cardId", "c1", "amount", 50.0);
            h.send("Transaction", day(3, "0:10:00"), "cardId", "c1", "amount", 50.01);
            h.finish();

            assertThat(h.alerts()).extracting(Alert::message).containsExactly("card c1: 50.01 over its highest 50");
            assertThat(h.errors()).isEmpty();
        }
    }

    @Test
    void history_leavesAfterThirtyDays_notBefore() {
        try (var h = RuleHarness.of(DRL)) {
            // Three payments of 100 on day 0 (from 10:00, the harness' start), then 20s.
            h.send("Transaction", day(0, "0:00:00"), "cardId", "c1", "amount", 100.0);
            h.send("Transaction", day(0, "0:01:00"), "cardId", "c1", "amount", 100.0);
            h.send("Transaction", day(0, "0:02:00"), "cardId", "c1", "amount", 100.0);
            h.send("Transaction", day(1, "0:00:00"), "cardId", "c1", "amount", 20.0);
            h.send("Transaction", day(1, "0:01:00"), "cardId", "c1", "amount", 20.0);
            h.send("Transaction", day(1, "0:02:00"), "cardId", "c1", "amount", 20.0);
            // Day 29 at 13:59:59.999 UTC is still within 30 daily buckets of day 0 (which began at midnight): 99 is not over 100.
            h.send("Transaction", day(29, "13:59:59.999"), "cardId", "c1", "amount", 99.0);
            // The day after, day 0's bucket is out: 99.5 is over the highest of the rest, 99.
            h.send("Transaction", day(30, "0:00:00"), "cardId", "c1", "amount", 99.5);
            h.finish();

            assertThat(h.alerts()).extracting(Alert::message).containsExactly("card c1: 99.5 over its highest 99");
        }
    }

    @Test
    void memory_holdsOneProfilePerCard_notTheirPayments() {
        try (var h = RuleHarness.of(DRL)) {
            for (int day = 0; day < 40; day++) {
                for (int card = 0; card < 20; card++) {
                    h.send("Transaction", day(day, "1:" + String.format("%02d", card) + ":00"), "cardId", "c" + card, "amount", 10.0);
                }
            }
            h.advanceTo(day(40, "0:00:00"));

            assertThat(h.stats().factCount()).as("20 profiles and the round's sweep; the payments left with their one-minute window")
                    .isEqualTo(21);
        }
    }

    @Test
    void aProfileNotFedYet_outlivesTheRoundsWhileItsEventIsThere_andIsForgottenASpanAfterItWasOpened() {
        // Only large amounts are added: the card's profile stays empty while its payments are small.
        var drl = DRL.replace("""
                    $t : Transaction($card : cardId) over window:time(1m)
                    $p : Profile(name == "amount", key == $card)
                then
                    $p.add(""", """
                    $t : Transaction($card : cardId, amount > 1000) over window:time(1m)
                    $p : Profile(name == "amount", key == $card)
                then
                    $p.add(""");
        assertThat(drl).isNotEqualTo(DRL);
        try (var h = RuleHarness.of(drl)) {
            h.send("Transaction", day(0, "0:00:00"), "cardId", "c0", "amount", 10.0);
            // Each day a payment of c1 in the round's minute: opened (again) while the round goes.
            for (int d = 1; d <= 3; d++) {
                h.send("Transaction", day(d, "0:00:00"), "cardId", "c1", "amount", 10.0);
                h.send("Transaction", day(d, "0:00:30"), "cardId", "c1", "amount", 10.0);
            }
            h.advanceTo(day(3, "1:00:00"));
            assertThat(h.errors()).as("no rule runs away").isEmpty();
            assertThat(h.stats().factCount()).as("c0's and c1's profiles, and the sweep").isEqualTo(3);

            h.advanceTo(day(29, "23:59:59.999"));
            assertThat(h.stats().factCount()).as("c0, opened on day 0, was not idle at the day-29 round").isEqualTo(3);
            h.advanceTo(day(30, "0:00:00"));
            assertThat(h.stats().factCount()).as("c0 forgotten on the day-30 round; c1 opened on day 1").isEqualTo(2);
        }
    }

    @Test
    void anIdleCardsProfile_isDeletedOnceIdleForItsSpan() {
        try (var h = RuleHarness.of(DRL)) {
            h.send("Transaction", day(0, "0:00:00"), "cardId", "c1", "amount", 10.0);
            h.advanceTo(day(25, "0:00:00"));
            assertThat(h.stats().factCount()).as("the profile and the round's sweep").isEqualTo(2);

            h.advanceTo(day(32, "0:00:00"));
            assertThat(h.stats().factCount()).as("idle for 30 days, found on the daily round; the sweep stays").isEqualTo(1);
        }
    }
}
