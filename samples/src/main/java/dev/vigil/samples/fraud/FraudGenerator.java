package dev.vigil.samples.fraud;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Card payments of customers with their own habits, with fraud of several kinds mixed in and
 * labelled, and the fraud reports that confirm it days later. The same seed and variant give the
 * same events. A long class: the kinds of fraud share the customers' state and the output, and
 * read best side by side.
 *
 * <p>Normal traffic: terminals stand at random places on a map split into countries; each customer
 * lives somewhere and pays at terminals near home (all of them, or a few favourites), with a mean
 * amount (log-normal or uniform across customers), a spending shape around it and a rate of
 * payments per day. In the rich world some also pay online at home and abroad, take cash, and
 * travel for a few days. Fraud, with magnitudes and timings drawn from wide ranges rather than
 * from the rules' thresholds: stolen cards, card testing, bursts, cards skimmed and cashed out
 * later, large amounts over a limit no ordinary payment reaches, compromised terminals at which
 * every payment is fraudulent for weeks, and compromised cards a share of whose payments is
 * inflated. {@link FraudVariant} says how reports arrive and whether channels and countries say
 * anything.
 */
public final class FraudGenerator {
    /** The countries customers live in, with their weights (their share of the map). */
    private static final String[] HOMES = {"NL", "DE", "FR", "BE", "GB", "ES", "IT", "PL"};
    private static final double[] HOME_WEIGHTS = {0.25, 0.2, 0.15, 0.1, 0.1, 0.08, 0.07, 0.05};
    /** The one country of the plain world. */
    private static final String PLAIN_COUNTRY = "NL";
    /** Where stolen card data is used: mostly far away, sometimes next door. */
    private static final String[] FRAUD_COUNTRIES = {"US", "BR", "NG", "TH", "RU", "RO", "UA", "GB", "ES", "PT"};
    private static final String[] MERCHANT_COUNTRIES = {"NL", "DE", "FR", "GB", "US", "IE", "LU"};
    private static final double MAP = 100;

    /** How much to generate, and its shape. */
    public record Settings(long seed, int customers, int days, Instant start, int terminals, FraudVariant variant) {
        public Settings {
            if (customers < 10) {
                throw new IllegalArgumentException("--customers " + customers + ": generate at least 10 customers");
            }
            if (days < 7) {
                throw new IllegalArgumentException("--days " + days + ": generate at least 7 days (fraud starts after the first few days)");
            }
            if (terminals < 10) {
                throw new IllegalArgumentException("--terminals " + terminals + ": generate at least 10 terminals");
            }
        }

        /** The shape of before: 2 terminals per customer, every axis of the variant drawn from the seed. */
        public Settings(long seed, int customers, int days, Instant start) {
            this(seed, customers, days, start, 2 * customers, FraudVariant.MIXED);
        }
    }

    /** What was generated: how many payments, reports and fraudulent payments, and the variant drawn. */
    public record Summary(int transactions, int reports, int fraudulent, int cases, String variant) {
    }

    private record Terminal(String id, String country, double x, double y) {
    }

    /** A customer's habits. */
    private record Customer(String card, String home, String shape, double mean, double perDay, double online, List<Terminal> terminals,
                            boolean traveller) {
    }

    /** What happens to a customer's own payments: when they stop, and which are inflated or large. */
    private static final class Twist {
        long stop = Long.MAX_VALUE;
        long inflatedFrom = Long.MAX_VALUE;
        long inflatedUntil = Long.MIN_VALUE;
        double share;
        double factorLow;
        double factorHigh;
        String inflatedCase;
        final ArrayDeque<Long> large = new ArrayDeque<>();
        String largeCase;
    }

    /** A terminal at which every payment is fraudulent from {@code from} until {@code until}; amounts scaled by {@code factor}. */
    private record Compromise(long from, long until, double factor, String kase) {
    }

    /** An event to write, with its time for ordering. */
    private record Line(long time, String id, String json) {
    }

    /** A fraudulent payment. */
    private record Fraud(String transaction, String card, String terminal, String kase, String kind, long time) {
    }

    private final Settings settings;
    private final Random random;
    private final ObjectMapper json = new ObjectMapper();
    private final List<Line> events = new ArrayList<>();
    private final List<Fraud> frauds = new ArrayList<>();
    private final Set<String> fraudCards = new HashSet<>();
    private final Map<String, Compromise> compromised = new HashMap<>();
    private final Map<String, List<Terminal>> byCountry = new HashMap<>();
    private final List<Terminal> terminals = new ArrayList<>();
    private FraudVariant variant;
    private double limit;
    private int nextTransaction;
    private int nextReport;
    private int cases;

    public FraudGenerator(Settings settings) {
        this.settings = settings;
        this.random = new Random(settings.seed());
    }

    /** Writes the events (NDJSON, in time order) and the labels (NDJSON, one line per fraudulent payment). */
    public Summary write(Writer eventsOut, Writer labelsOut) throws IOException {
        variant = settings.variant().resolve(random);
        // Large-amount fraud is over this limit, which no ordinary payment reaches.
        limit = Math.round(200 + random.nextDouble() * 600);
        terminals();
        var customers = customers();
        long start = settings.start().toEpochMilli();
        long end = start + days(settings.days());
        compromiseTerminals(start, end);
        var later = skimmingTerminals(customers, start, end);
        double stolen = 0.005 + random.nextDouble() * 0.015;
        double testing = stolen + 0.003 + random.nextDouble() * 0.007;
        double burst = testing + 0.003 + random.nextDouble() * 0.007;
        double inflated = burst + 0.005 + random.nextDouble() * 0.03;
        double large = inflated + 0.003 + random.nextDouble() * 0.015;
        for (var customer : customers) {
            if (fraudCards.contains(customer.card())) {
                continue;
            }
            double roll = random.nextDouble();
            if (roll < stolen) {
                stolenCard(customer, start, end);
            } else if (roll < testing) {
                cardTesting(customer, start, end);
            } else if (roll < burst) {
                burst(customer, start, end);
            } else if (roll < inflated) {
                normal(customer, start, end, compromisedCard(start, end));
            } else if (roll < large) {
                normal(customer, start, end, largeAmounts(start, end));
            } else {
                normal(customer, start, end, new Twist());
            }
        }
        later.forEach(Runnable::run);
        reports();
        events.sort(Comparator.comparingLong(Line::time).thenComparing(Line::id));
        for (var line : events) {
            eventsOut.write(line.json());
            eventsOut.write('\n');
        }
        frauds.sort(Comparator.comparingLong(Fraud::time).thenComparing(Fraud::transaction));
        for (var f : frauds) {
            labelsOut.write(json.writeValueAsString(json.createObjectNode().put("transactionId", f.transaction()).put("cardId", f.card())
                    .put("case", f.kase()).put("kind", f.kind()).put("time", f.time())));
            labelsOut.write('\n');
        }
        int reports = (int) events.stream().filter(l -> l.id().startsWith("fr-")).count();
        return new Summary(events.size() - reports, reports, frauds.size(), cases, variant.toString());
    }

    /** Terminals at random places; a country is a band of the map from west to east. */
    private void terminals() {
        for (int i = 0; i < settings.terminals(); i++) {
            double x = random.nextDouble() * MAP;
            double y = random.nextDouble() * MAP;
            var country = countryAt(x);
            var id = variant.plain() ? String.format(Locale.ROOT, "T-%05d", i) : String.format(Locale.ROOT, "T-%s-%05d", country, i);
            var terminal = new Terminal(id, country, x, y);
            terminals.add(terminal);
            byCountry.computeIfAbsent(country, c -> new ArrayList<>()).add(terminal);
        }
    }

    private String countryAt(double x) {
        if (variant.plain()) {
            return PLAIN_COUNTRY;
        }
        double edge = 0;
        for (int i = 0; i < HOMES.length; i++) {
            edge += HOME_WEIGHTS[i] * MAP;
            if (x < edge) {
                return HOMES[i];
            }
        }
        return HOMES[HOMES.length - 1];
    }

    private List<Customer> customers() {
        var out = new ArrayList<Customer>();
        // The radius that holds about 80 terminals at the density of 10,000 on the map, scaled to this density.
        double unit = 5 * Math.sqrt(10_000.0 / settings.terminals());
        for (int i = 1; i <= settings.customers(); i++) {
            double x = random.nextDouble() * MAP;
            double y = random.nextDouble() * MAP;
            var home = countryAt(x);
            var near = nearest(x, y, home, unit * (0.4 + random.nextDouble() * 0.8));
            if (random.nextBoolean() && near.size() > 3) {
                var favourites = new ArrayList<Terminal>();
                int n = 3 + random.nextInt(6);
                for (int t = 0; t < n; t++) {
                    favourites.add(near.get(random.nextInt(near.size())));
                }
                near = favourites;
            }
            double mean;
            do {
                mean = random.nextBoolean() ? Math.exp(Math.log(40) + 0.6 * random.nextGaussian()) : 5 + random.nextDouble() * 95;
            } while (mean > limit / 3);
            var shapes = List.of("lognormal", "uniform", "normal");
            var drawn = shapes.get(random.nextInt(shapes.size()));
            var shape = variant.spending() != null ? variant.spending() : drawn;
            double perDay = random.nextBoolean() ? 0.3 + random.nextDouble() * 3.7 : 0.7 + random.nextDouble() * 1.6;
            double online = variant.plain() ? 0 : random.nextDouble() * 0.3;
            out.add(new Customer(String.format(Locale.ROOT, "card-%05d", i), home, shape, round(mean), perDay, online, near,
                    !variant.plain() && random.nextDouble() < 0.1));
        }
        return out;
    }

    /** The terminals of {@code country} within {@code radius}, or the three nearest when fewer. */
    private List<Terminal> nearest(double x, double y, String country, double radius) {
        var candidates = byCountry.getOrDefault(country, terminals);
        var within = new ArrayList<Terminal>();
        for (var t : candidates) {
            if (Math.hypot(t.x() - x, t.y() - y) <= radius) {
                within.add(t);
            }
        }
        if (within.size() >= 3) {
            return within;
        }
        var sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparingDouble(t -> Math.hypot(t.x() - x, t.y() - y)));
        return new ArrayList<>(sorted.subList(0, Math.min(3, sorted.size())));
    }

    /** The customer's own payments from {@code start} until {@code end} or the twist's stop, travelling once if a traveller. */
    private void normal(Customer c, long start, long end, Twist twist) {
        long tripStart = Long.MAX_VALUE;
        long tripEnd = Long.MAX_VALUE;
        String abroad = null;
        if (c.traveller()) {
            tripStart = start + days(2 + random.nextDouble() * (settings.days() - 5));
            tripEnd = tripStart + days(2 + random.nextDouble() * 4);
            do {
                abroad = HOMES[random.nextInt(HOMES.length)];
            } while (abroad.equals(c.home()));
        }
        long lastAtHome = Long.MIN_VALUE;
        for (long day = start; day < end; day += days(1)) {
            int n = poisson(c.perDay());
            var times = new ArrayList<Long>();
            for (int i = 0; i < n; i++) {
                times.add(day + waking());
            }
            times.sort(null);
            for (long t : times) {
                if (t >= twist.stop || t >= end) {
                    return;
                }
                boolean away = t >= tripStart && t < tripEnd;
                if (away && t < lastAtHome + Duration.ofHours(6).toMillis()) {
                    continue; // still on the way
                }
                if (random.nextDouble() < c.online()) {
                    var merchant = random.nextInt(200);
                    own(c, twist, t, String.format(Locale.ROOT, "M-%03d", merchant), amount(c),
                            MERCHANT_COUNTRIES[merchant % MERCHANT_COUNTRIES.length], "online");
                } else if (away) {
                    var there = byCountry.get(abroad);
                    own(c, twist, t, there.get(random.nextInt(Math.min(50, there.size()))).id(), amount(c), abroad, "pos");
                } else {
                    boolean atm = !variant.plain() && random.nextDouble() < 0.1;
                    var terminal = atm ? String.format(Locale.ROOT, "A-%s-%03d", c.home(), random.nextInt(40))
                            : c.terminals().get(random.nextInt(c.terminals().size())).id();
                    own(c, twist, t, terminal, atm ? 20 * (1 + random.nextInt(10)) : amount(c), c.home(), atm ? "atm" : "pos");
                    lastAtHome = t;
                }
            }
        }
    }

    /** One of the customer's own payments, made large or inflated by the twist, fraudulent at a compromised terminal. */
    private void own(Customer c, Twist twist, long t, String terminal, double amount, String country, String channel) {
        if (!twist.large.isEmpty() && t >= twist.large.peekFirst() && !channel.equals("atm")) {
            twist.large.removeFirst();
            payment(t, c.card(), terminal, round(limit * (random.nextBoolean() ? 1 + random.nextDouble() * 0.3 : 1.3 + random.nextDouble() * 2)),
                    country, channel, twist.largeCase, "large amount");
            return;
        }
        if (t >= twist.inflatedFrom && t < twist.inflatedUntil && !channel.equals("atm") && random.nextDouble() < twist.share) {
            double factor = twist.factorLow + random.nextDouble() * (twist.factorHigh - twist.factorLow);
            payment(t, c.card(), terminal, round(amount * factor), country, channel, twist.inflatedCase, "compromised card");
            return;
        }
        var compromise = compromised.get(terminal);
        if (compromise != null && t >= compromise.from() && t < compromise.until()) {
            payment(t, c.card(), terminal, round(amount * compromise.factor()), country, channel, compromise.kase(), "compromised terminal");
            return;
        }
        payment(t, c.card(), terminal, amount, country, channel, null, null);
    }

    /** A card compromised for one to three weeks: a share (1/5 to 1/2) of its payments is inflated 3 to 8 times. */
    private Twist compromisedCard(long start, long end) {
        var twist = new Twist();
        twist.inflatedFrom = start + days(2 + random.nextDouble() * (settings.days() - 4));
        twist.inflatedUntil = twist.inflatedFrom + days(7 + random.nextDouble() * 14);
        twist.share = 0.2 + random.nextDouble() * 0.3;
        if (random.nextBoolean()) {
            twist.factorLow = 3 + random.nextDouble() * 5;
            twist.factorHigh = twist.factorLow;
        } else {
            twist.factorLow = 3;
            twist.factorHigh = 8;
        }
        twist.inflatedCase = "case-" + (++cases);
        return twist;
    }

    /** One to three payments over the limit, at the card's own terminals, spread over the period or within a day. */
    private Twist largeAmounts(long start, long end) {
        var twist = new Twist();
        int n = 1 + random.nextInt(3);
        long first = start + days(1 + random.nextDouble() * (settings.days() - 2));
        boolean spread = random.nextBoolean();
        for (int i = 0; i < n; i++) {
            twist.large.add(first + (spread ? days(random.nextDouble() * 10) : (long) (random.nextDouble() * days(1))));
        }
        var sorted = new ArrayList<>(twist.large);
        sorted.sort(null);
        twist.large.clear();
        twist.large.addAll(sorted);
        twist.largeCase = "case-" + (++cases);
        return twist;
    }

    /**
     * Terminals at which every payment is fraudulent for one to five weeks (merchant fraud): about
     * one to three a day at the density of 5,000 customers, amounts as usual or inflated. The
     * terminals are never reported; the cards' frauds are.
     */
    private void compromiseTerminals(long start, long end) {
        double perDay = (0.5 + random.nextDouble() * 2.5) * settings.customers() / 5000.0;
        int count = Math.max(1, (int) Math.round(perDay * settings.days()));
        for (int k = 0; k < count; k++) {
            var terminal = terminals.get(random.nextInt(terminals.size()));
            long from = start + days(random.nextDouble() * settings.days());
            long until = from + days(7 + random.nextDouble() * 28);
            double factor = random.nextBoolean() ? 1 : 1 + random.nextDouble() * 2;
            compromised.putIfAbsent(terminal.id(), new Compromise(from, until, factor, "case-" + (++cases)));
        }
    }

    /** A stolen card: the customer's own use until it is stolen, then a few payments at inflated amounts. */
    private void stolenCard(Customer c, long start, long end) {
        long stolen = start + days(4 + random.nextDouble() * (settings.days() - 6));
        var twist = new Twist();
        twist.stop = stolen;
        normal(c, start, end, twist);
        var kase = "case-" + (++cases);
        int n = 2 + random.nextInt(5);
        long t = stolen;
        boolean abroad = random.nextBoolean();
        var country = abroad ? FRAUD_COUNTRIES[random.nextInt(FRAUD_COUNTRIES.length)] : c.home();
        for (int i = 0; i < n; i++) {
            t += minutes(5 + random.nextDouble() * 90);
            double amount = round(c.mean() * (3 + random.nextDouble() * 17));
            boolean online = random.nextDouble() < 0.4;
            var terminal = online ? String.format(Locale.ROOT, "M-%03d", random.nextInt(200)) : someTerminal(country);
            payment(t, c.card(), terminal, amount, online ? "US" : country, online ? "online" : "pos", kase, "stolen card");
        }
    }

    /** Card testing: tiny online payments a few minutes apart, then large ones. */
    private void cardTesting(Customer c, long start, long end) {
        long begin = start + days(4 + random.nextDouble() * (settings.days() - 6));
        var twist = new Twist();
        twist.stop = begin;
        normal(c, start, end, twist);
        var kase = "case-" + (++cases);
        int tiny = 3 + random.nextInt(6);
        long t = begin;
        for (int i = 0; i < tiny; i++) {
            t += minutes(0.5 + random.nextDouble() * 4);
            payment(t, c.card(), merchant(), round(0.5 + random.nextDouble() * 2.4), "US", "online", kase, "card testing");
        }
        int large = 1 + random.nextInt(3);
        for (int i = 0; i < large; i++) {
            t += minutes(1 + random.nextDouble() * 15);
            payment(t, c.card(), merchant(), round(120 + random.nextDouble() * 900), "GB", "online", kase, "card testing");
        }
    }

    /** A burst: many ordinary-looking payments within half an hour. */
    private void burst(Customer c, long start, long end) {
        long begin = start + days(4 + random.nextDouble() * (settings.days() - 6));
        var twist = new Twist();
        twist.stop = begin;
        normal(c, start, end, twist);
        var kase = "case-" + (++cases);
        int n = 7 + random.nextInt(14);
        long span = minutes(5 + random.nextDouble() * 25);
        long t = begin;
        for (int i = 0; i < n; i++) {
            t += span / n;
            payment(t, c.card(), someTerminal(c.home()), round(c.mean() * (0.3 + random.nextDouble() * 1.7)), c.home(), "pos", kase, "burst");
        }
    }

    /**
     * A few terminals skim every card used there for some days; a share of those cards is cashed
     * out days later (abroad at ATMs in the rich world), and the terminal is reported when reports
     * carry terminals. Their owners keep paying as usual for a while.
     */
    private List<Runnable> skimmingTerminals(List<Customer> customers, long start, long end) {
        var out = new ArrayList<Runnable>();
        int count = Math.max(1, settings.customers() / 700);
        for (int k = 0; k < count; k++) {
            var victim = customers.get(random.nextInt(customers.size()));
            var terminal = victim.terminals().get(0).id();
            long from = start + days(1 + random.nextDouble() * 3);
            long until = from + days(2 + random.nextDouble() * 3);
            var skimmed = customers.stream().filter(c -> c.terminals().stream().anyMatch(t -> t.id().equals(terminal))
                    && !fraudCards.contains(c.card())).toList();
            var kase = "case-" + (++cases);
            if (variant.detail().equals("full") && !variant.plain()) {
                long reported = until + days(1 + random.nextDouble() * 4);
                out.add(() -> report(reported, null, null, terminal, "compromised"));
            }
            for (var c : skimmed) {
                if (random.nextDouble() >= 0.5) {
                    continue;
                }
                fraudCards.add(c.card());
                long misuse = until + days(1 + random.nextDouble() * 5);
                var twist = new Twist();
                twist.stop = misuse + days(2 + random.nextDouble() * 6);
                out.add(() -> {
                    normal(c, start, end, twist);
                    var country = variant.plain() ? c.home() : FRAUD_COUNTRIES[random.nextInt(FRAUD_COUNTRIES.length)];
                    int n = 1 + random.nextInt(3);
                    long t = misuse;
                    for (int i = 0; i < n; i++) {
                        t += minutes(10 + random.nextDouble() * 120);
                        payment(t, c.card(), String.format(Locale.ROOT, "A-%s-%03d", country, random.nextInt(40)), 20 * (5 + random.nextInt(36)),
                                country, "atm", kase, "skimmed card");
                    }
                });
            }
        }
        return out;
    }

    private String someTerminal(String country) {
        var there = byCountry.get(country);
        if (there == null) {
            return String.format(Locale.ROOT, "T-%s-%05d", country, random.nextInt(50));
        }
        return there.get(random.nextInt(there.size())).id();
    }

    private String merchant() {
        return String.format(Locale.ROOT, "M-%03d", random.nextInt(200));
    }

    /** A payment; in the plain world its channel and country say nothing, and merchants and ATMs are terminals. */
    private void payment(long time, String card, String terminal, double amount, String country, String channel, String kase,
                         String kind) {
        var id = String.format(Locale.ROOT, "tx-%07d", ++nextTransaction);
        if (variant.plain()) {
            if (!terminal.startsWith("T-") || terminal.indexOf('-', 2) > 0) {
                terminal = String.format(Locale.ROOT, "T-%05d", Math.floorMod(terminal.hashCode(), settings.terminals()));
            }
            country = PLAIN_COUNTRY;
            channel = "pos";
        }
        var node = json.createObjectNode().put("type", "Transaction").put("id", id).put("time", Instant.ofEpochMilli(time).toString())
                .put("cardId", card).put("terminalId", terminal).put("amount", amount).put("currency", "EUR").put("country", country)
                .put("channel", channel);
        events.add(new Line(time, id, text(node)));
        if (kase != null) {
            fraudCards.add(card);
            frauds.add(new Fraud(id, card, terminal, kase, kind, time));
        }
    }

    /** The cards' fraud reports: per payment or per card and case, 7 days or 2 to 10 days later. */
    private void reports() {
        var reported = new HashSet<String>();
        for (var f : frauds) {
            if (variant.reports().equals("per-case") && !reported.add(f.kase() + " " + f.card())) {
                continue;
            }
            long delay = variant.delay().equals("delay-7d") ? days(7) : days(2 + random.nextDouble() * 8);
            boolean chargeback = f.kind().equals("stolen card") || f.kind().equals("burst");
            report(f.time() + delay, f.transaction(), f.card(), f.terminal(), chargeback ? "chargeback" : "fraud");
        }
    }

    private void report(long time, String transaction, String card, String terminal, String kind) {
        var id = String.format(Locale.ROOT, "fr-%06d", ++nextReport);
        var node = json.createObjectNode().put("type", "FraudReport").put("id", id).put("time", Instant.ofEpochMilli(time).toString());
        boolean full = variant.detail().equals("full");
        if (full) {
            node.put("kind", kind);
        }
        if (transaction != null) {
            node.put("transactionId", transaction);
        }
        if (card != null) {
            node.put("cardId", card);
        }
        if (terminal != null && (full || card == null)) {
            node.put("terminalId", terminal);
        }
        events.add(new Line(time, id, text(node)));
    }

    private String text(ObjectNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write an event: " + e.getMessage(), e);
        }
    }

    /** An ordinary amount of the customer's shape, under the limit of large-amount fraud. */
    private double amount(Customer c) {
        for (int i = 0; i < 20; i++) {
            double v = switch (c.shape()) {
                case "uniform" -> random.nextDouble() * 2 * c.mean();
                case "normal" -> c.mean() + c.mean() / 2 * random.nextGaussian();
                default -> c.mean() * Math.exp(0.5 * random.nextGaussian() - 0.125);
            };
            v = round(v);
            if (v >= 0.01 && v < limit) {
                return v;
            }
        }
        return round(c.mean());
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /** A time of day, mostly between 8:00 and 22:00. */
    private long waking() {
        double hour = random.nextDouble() < 0.93 ? 8 + random.nextDouble() * 14 : random.nextDouble() * 24;
        return (long) (hour * 3_600_000);
    }

    private int poisson(double mean) {
        double l = Math.exp(-mean);
        int k = 0;
        double p = 1;
        do {
            k++;
            p *= random.nextDouble();
        } while (p > l);
        return k - 1;
    }

    private static long days(double d) {
        return (long) (d * 86_400_000);
    }

    private static long minutes(double m) {
        return (long) (m * 60_000);
    }
}
