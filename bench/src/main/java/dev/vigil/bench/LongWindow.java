package dev.vigil.bench;

import java.util.Locale;

/**
 * The windows of the long-window benchmark, and the rule "a payment above the card's highest
 * amount of the last W, with at least 5 payments before it" written for each: as DRL keeping the
 * card's raw payments (before profiles), as DRL with a profile of time buckets (after), and in
 * Esper's EPL.
 *
 * @param text   the window as rules write it
 * @param millis its length
 * @param bucket the profile's bucket for it, as rules write it
 * @param bucketMillis the bucket's length
 */
record LongWindow(String text, long millis, String bucket, long bucketMillis) {
    static final LongWindow HOUR = new LongWindow("1h", 3_600_000L, "1m", 60_000L);
    static final LongWindow DAY = new LongWindow("1d", Payments.DAY, "1h", 3_600_000L);
    static final LongWindow MONTH = new LongWindow("30d", 30 * Payments.DAY, "1d", Payments.DAY);
    /** Payments a card must have in the window before one can be above their highest. */
    static final int AT_LEAST = 5;

    private static final String TYPE = """
            package bench;
            import dev.vigil.engine.profile.Profile;
            import dev.vigil.engine.profile.Summary;
            import dev.vigil.engine.profile.Sweep;

            declare Transaction
                @role(event)
                @timestamp(time)
                @expires(%s)
                id : String
                time : long
                cardId : String
                amount : double
            end
            """;

    /** The shape of the fraud sample before profiles: an accumulate over the card's payments in the window, each kept W. */
    private static final String BEFORE = """

            rule "above the card's highest of the last %1$s"
            when
                $t : Transaction($card : cardId, $amount : amount) over window:time(1m)
                accumulate(Transaction(cardId == $card, this != $t, time <= $t.time, $a : amount) over window:time(%1$s);
                           $highest : max($a), $before : count(); $before >= %2$d && $amount > $highest.doubleValue())
            then
                alerts.raise($card, "card " + $card + ": " + alerts.text($amount) + " over its highest " + alerts.text($highest),
                        alerts.attributes("payment", $t.getId(), "time", $t.getTime()));
            end
            """;

    /** The profile idiom: one profile per card, judged before the payment joins it; a payment is kept a minute. */
    private static final String AFTER = """

            rule "amount profile: open"
                salience 100
            when
                Transaction($card : cardId) over window:time(1m)
                not Profile(name == "amount", key == $card)
            then
                insert(Profile.of("amount", $card, "%2$s", "%1$s").openedAt(alerts.now()));
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

            rule "above the card's highest of the last %1$s"
            when
                $t : Transaction($card : cardId, $amount : amount) over window:time(1m)
                $p : Profile(name == "amount", key == $card)
                $usual : Summary(count() >= %3$d, $amount > max()) from $p.last($t.getTime(), "%1$s")
            then
                alerts.raise($card, "card " + $card + ": " + alerts.text($amount) + " over its highest " + alerts.text($usual.max()),
                        alerts.attributes("payment", $t.getId(), "time", $t.getTime()));
            end
            """;

    /** The window of the card's earlier payments as a named window; the payment is judged before it joins it. */
    private static final String EPL = """
            create window Recent#time(%1$d msec) as Payment;
            @Priority(1) insert into Recent select * from Payment;
            @Priority(2) @name('alerts') select p.id as id, p.cardId as cardId, p.amount as amount from Payment as p
                where (select count(*) from Recent as r where r.cardId = p.cardId) >= %2$d
                  and p.amount > (select max(r.amount) from Recent as r where r.cardId = p.cardId);
            """;

    /** The window named by {@code text}: 1h, 1d or 30d. */
    static LongWindow of(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "1h" -> HOUR;
            case "1d" -> DAY;
            case "30d" -> MONTH;
            default -> throw new IllegalArgumentException("a window is 1h, 1d or 30d, not " + text);
        };
    }

    /** Before profiles: the raw payments of W in an accumulate, each payment expiring after W. */
    String before() {
        return TYPE.formatted(text) + BEFORE.formatted(text, AT_LEAST);
    }

    /** After: the profile idiom with buckets of {@link #bucket}; a payment expires after a minute. */
    String after() {
        return TYPE.formatted("1m") + AFTER.formatted(text, bucket, AT_LEAST);
    }

    /** Esper: a named window of W's payments, asked by two subqueries per payment. */
    String epl() {
        return EPL.formatted(millis, AT_LEAST);
    }
}
