package dev.vigil.bench;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Generated card payments in time order, the same for the same seed: 5,000 cards over 35 days
 * from 2026-11-01 UTC, about 330,000 payments, made one at a time so that a run's heap holds
 * only the cards' next payments, never the whole set.
 *
 * <p>Each card pays at a rate of its own, drawn log-uniformly between 0.7 and 4 payments a day,
 * at times spread evenly over the day (a Poisson process, no daily rhythm). Most visits are one
 * payment; one in ten is a shopping spree of 2 to 8 payments, on average about 2 minutes apart,
 * so that an hour's window sometimes holds five or more. Amounts are log-normal around a typical
 * amount of the card's own (itself log-normal around 30, sigma 0.8), with sigma 0.7, in cents.
 */
final class Payments implements Iterator<Payments.Payment> {
    /** The first payment's day starts here. */
    static final long START = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();
    static final long DAY = 86_400_000L;
    static final int DAYS = 35;
    static final int CARDS = 5_000;
    private static final double LOWEST_RATE = 0.7;
    private static final double HIGHEST_RATE = 4;
    private static final double SPREE_CHANCE = 0.1;
    private static final int SPREE_MIN = 2;
    private static final int SPREE_MAX = 8;
    /** Payments per visit on average: 0.9 * 1 + 0.1 * 5. */
    private static final double PER_VISIT = (1 - SPREE_CHANCE) + SPREE_CHANCE * (SPREE_MIN + SPREE_MAX) / 2.0;
    private static final double SPREE_GAP_MILLIS = 120_000;
    private static final long SPREE_MIN_GAP_MILLIS = 10_000;

    /** One payment. */
    record Payment(String id, long time, String cardId, double amount) {
    }

    /** One card's habits and its payments still to come. */
    private static final class Card {
        final int index;
        final String id;
        final SplittableRandom random;
        final double visitsPerMilli;
        final double logTypical;
        final ArrayDeque<Long> spree = new ArrayDeque<>();
        long nextVisit;

        Card(int index, SplittableRandom random) {
            this.index = index;
            this.id = "card-" + index;
            this.random = random;
            double rate = LOWEST_RATE * Math.pow(HIGHEST_RATE / LOWEST_RATE, random.nextDouble());
            this.visitsPerMilli = rate / PER_VISIT / DAY;
            this.logTypical = Math.log(30) + 0.8 * gaussian(random);
            this.nextVisit = START + exponential(random, visitsPerMilli);
        }

        long next() {
            return spree.isEmpty() ? nextVisit : Math.min(nextVisit, spree.peekFirst());
        }

        /** Takes the next payment's time, planning the spree a visit starts and the visit after it. */
        long take() {
            if (!spree.isEmpty() && spree.peekFirst() <= nextVisit) {
                return spree.pollFirst();
            }
            long visit = nextVisit;
            if (random.nextDouble() < SPREE_CHANCE) {
                int more = SPREE_MIN + random.nextInt(SPREE_MAX - SPREE_MIN + 1) - 1;
                long at = spree.isEmpty() ? visit : Math.max(visit, spree.peekLast());
                for (int i = 0; i < more; i++) {
                    at += SPREE_MIN_GAP_MILLIS + (long) (SPREE_GAP_MILLIS * -Math.log(1 - random.nextDouble()));
                    spree.addLast(at);
                }
            }
            nextVisit = visit + exponential(random, visitsPerMilli);
            return visit;
        }

        double amount() {
            double amount = Math.exp(logTypical + 0.7 * gaussian(random));
            return Math.max(1, Math.round(amount * 100)) / 100.0;
        }
    }

    private final PriorityQueue<Card> queue = new PriorityQueue<>((a, b) -> a.next() != b.next()
            ? Long.compare(a.next(), b.next()) : Integer.compare(a.index, b.index));
    private final long end;
    private long count;

    /** The payments of {@code days} days (at most 35) from {@link #START}, drawn with {@code seed}. */
    Payments(long seed, int days) {
        var random = new SplittableRandom(seed);
        for (int i = 0; i < CARDS; i++) {
            queue.add(new Card(i, random.split()));
        }
        this.end = START + days * DAY;
    }

    @Override
    public boolean hasNext() {
        return queue.peek().next() < end;
    }

    @Override
    public Payment next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        var card = queue.poll();
        long time = card.take();
        var payment = new Payment("p" + count++, time, card.id, card.amount());
        queue.add(card);
        return payment;
    }

    /** Milliseconds to the next arrival of a Poisson process of {@code perMilli} arrivals a millisecond. */
    private static long exponential(SplittableRandom random, double perMilli) {
        return (long) (-Math.log(1 - random.nextDouble()) / perMilli);
    }

    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
