package dev.vigil.samples.fraud;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Card payments of customers with their own habits, with fraud of several kinds mixed in and
 * labelled, and the fraud reports that confirm it days later. The same seed gives the same events.
 *
 * <p>Normal traffic: each customer has a home country, a few usual terminals there, a typical
 * amount (log-normal across customers) and a rate of payments per day; some pay online at
 * merchants at home and abroad, and some travel for a few days, arriving hours after their last
 * payment at home. Fraud: a stolen card spent at inflated amounts; card testing (tiny online
 * payments, then large ones); bursts of many payments; and compromised terminals that skim the
 * cards used there, which are misused abroad days later. Magnitudes and timings are drawn at
 * random from wide ranges, not from the rules' thresholds.
 */
public final class FraudGenerator {
    /** The countries customers live in, with their weights. */
    private static final String[] HOMES = {"NL", "DE", "FR", "BE", "GB", "ES", "IT", "PL"};
    private static final double[] HOME_WEIGHTS = {0.25, 0.2, 0.15, 0.1, 0.1, 0.08, 0.07, 0.05};
    /** Where stolen card data is used: mostly far away, sometimes next door. */
    private static final String[] FRAUD_COUNTRIES = {"US", "BR", "NG", "TH", "RU", "RO", "UA", "GB", "ES", "PT"};
    private static final String[] MERCHANT_COUNTRIES = {"NL", "DE", "FR", "GB", "US", "IE", "LU"};

    /** How much to generate. */
    public record Settings(long seed, int customers, int days, Instant start) {
        public Settings {
            if (customers < 10 || days < 7) {
                throw new IllegalArgumentException("generate at least 10 customers and 7 days (fraud starts after the first few days)");
            }
        }
    }

    /** What was generated: how many payments, reports and fraudulent payments. */
    public record Summary(int transactions, int reports, int fraudulent, int cases) {
    }

    private record Customer(String card, String home, double typical, double perDay, double online, List<String> terminals,
                            boolean traveller) {
    }

    /** An event to write, with its time for ordering. */
    private record Line(long time, ObjectNode json) {
    }

    private final Settings settings;
    private final Random random;
    private final ObjectMapper json = new ObjectMapper();
    private final List<Line> events = new ArrayList<>();
    private final List<ObjectNode> labels = new ArrayList<>();
    private final Set<String> fraudCards = new HashSet<>();
    private int nextTransaction;
    private int nextReport;
    private int cases;

    public FraudGenerator(Settings settings) {
        this.settings = settings;
        this.random = new Random(settings.seed());
    }

    /** Writes the events (NDJSON, in time order) and the labels (NDJSON, one line per fraudulent payment). */
    public Summary write(Writer eventsOut, Writer labelsOut) throws IOException {
        var customers = customers();
        long start = settings.start().toEpochMilli();
        long end = start + Duration.ofDays(settings.days()).toMillis();
        var compromised = compromisedTerminals(customers, start, end);
        for (var customer : customers) {
            if (fraudCards.contains(customer.card())) {
                continue;
            }
            double roll = random.nextDouble();
            if (roll < 0.02) {
                stolenCard(customer, start, end);
            } else if (roll < 0.03) {
                cardTesting(customer, start, end);
            } else if (roll < 0.04) {
                burst(customer, start, end);
            } else {
                normal(customer, start, end, Long.MAX_VALUE);
            }
        }
        compromised.forEach(Runnable::run);
        events.sort(Comparator.comparingLong(Line::time).thenComparing(l -> l.json().get("id").asText()));
        for (var line : events) {
            eventsOut.write(json.writeValueAsString(line.json()));
            eventsOut.write('\n');
        }
        labels.sort(Comparator.comparingLong(l -> l.get("time").asLong()));
        for (var label : labels) {
            labelsOut.write(json.writeValueAsString(label));
            labelsOut.write('\n');
        }
        int transactions = (int) events.stream().filter(l -> l.json().get("type").asText().equals("Transaction")).count();
        return new Summary(transactions, events.size() - transactions, labels.size(), cases);
    }

    private List<Customer> customers() {
        var out = new ArrayList<Customer>();
        for (int i = 1; i <= settings.customers(); i++) {
            var home = pick(HOMES, HOME_WEIGHTS);
            var terminals = new ArrayList<String>();
            int n = 3 + random.nextInt(6);
            for (int t = 0; t < n; t++) {
                // Terminals are shared: a few hundred per country, each used by many customers.
                terminals.add(String.format(Locale.ROOT, "T-%s-%04d", home, random.nextInt(Math.max(20, settings.customers() / 10))));
            }
            double typical = Math.exp(Math.log(40) + 0.6 * random.nextGaussian());
            double perDay = 0.7 + random.nextDouble() * 3.3;
            out.add(new Customer(String.format(Locale.ROOT, "card-%05d", i), home, typical, perDay, random.nextDouble() * 0.3, terminals,
                    random.nextDouble() < 0.1));
        }
        return out;
    }

    /** The customer's own payments from {@code start} until {@code end} or {@code stop}, travelling once if a traveller. */
    private void normal(Customer c, long start, long end, long stop) {
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
                if (t >= stop || t >= end) {
                    return;
                }
                boolean away = t >= tripStart && t < tripEnd;
                if (away && t < lastAtHome + Duration.ofHours(6).toMillis()) {
                    continue; // still on the way
                }
                if (random.nextDouble() < c.online()) {
                    var merchant = random.nextInt(200);
                    payment(t, c.card(), String.format(Locale.ROOT, "M-%03d", merchant), amount(c.typical()),
                            MERCHANT_COUNTRIES[merchant % MERCHANT_COUNTRIES.length], "online", null, null);
                } else if (away) {
                    payment(t, c.card(), String.format(Locale.ROOT, "T-%s-%04d", abroad, random.nextInt(50)), amount(c.typical()), abroad,
                            "pos", null, null);
                } else {
                    boolean atm = random.nextDouble() < 0.1;
                    var terminal = atm ? String.format(Locale.ROOT, "A-%s-%03d", c.home(), random.nextInt(40))
                            : c.terminals().get(random.nextInt(c.terminals().size()));
                    payment(t, c.card(), terminal, atm ? 20 * (1 + random.nextInt(10)) : amount(c.typical()), c.home(), atm ? "atm" : "pos",
                            null, null);
                    lastAtHome = t;
                }
            }
        }
    }

    /** A stolen card: the customer's own use until it is stolen, then a few payments at inflated amounts. */
    private void stolenCard(Customer c, long start, long end) {
        long stolen = start + days(4 + random.nextDouble() * (settings.days() - 6));
        normal(c, start, end, stolen);
        var kase = "case-" + (++cases);
        int n = 2 + random.nextInt(5);
        long t = stolen;
        boolean abroad = random.nextBoolean();
        var country = abroad ? FRAUD_COUNTRIES[random.nextInt(FRAUD_COUNTRIES.length)] : c.home();
        String first = null;
        for (int i = 0; i < n; i++) {
            t += minutes(5 + random.nextDouble() * 90);
            double amount = round(c.typical() * (3 + random.nextDouble() * 17));
            boolean online = random.nextDouble() < 0.4;
            var terminal = online ? String.format(Locale.ROOT, "M-%03d", random.nextInt(200))
                    : String.format(Locale.ROOT, "T-%s-%04d", country, random.nextInt(50));
            var id = payment(t, c.card(), terminal, amount, online ? "US" : country, online ? "online" : "pos", kase, "stolen card");
            first = first == null ? id : first;
        }
        report(t + days(2 + random.nextDouble() * 8), first, c.card(), null, "chargeback");
    }

    /** Card testing: tiny online payments a few minutes apart, then large ones. */
    private void cardTesting(Customer c, long start, long end) {
        long begin = start + days(4 + random.nextDouble() * (settings.days() - 6));
        normal(c, start, end, begin);
        var kase = "case-" + (++cases);
        int tiny = 3 + random.nextInt(6);
        long t = begin;
        String first = null;
        for (int i = 0; i < tiny; i++) {
            t += minutes(0.5 + random.nextDouble() * 4);
            var id = payment(t, c.card(), String.format(Locale.ROOT, "M-%03d", random.nextInt(200)), round(0.5 + random.nextDouble() * 2.4),
                    "US", "online", kase, "card testing");
            first = first == null ? id : first;
        }
        int large = 1 + random.nextInt(3);
        for (int i = 0; i < large; i++) {
            t += minutes(1 + random.nextDouble() * 15);
            payment(t, c.card(), String.format(Locale.ROOT, "M-%03d", random.nextInt(200)), round(120 + random.nextDouble() * 900), "GB",
                    "online", kase, "card testing");
        }
        report(t + days(2 + random.nextDouble() * 8), first, c.card(), null, "fraud");
    }

    /** A burst: many ordinary-looking payments within half an hour. */
    private void burst(Customer c, long start, long end) {
        long begin = start + days(4 + random.nextDouble() * (settings.days() - 6));
        normal(c, start, end, begin);
        var kase = "case-" + (++cases);
        int n = 7 + random.nextInt(14);
        long span = minutes(5 + random.nextDouble() * 25);
        long t = begin;
        String first = null;
        for (int i = 0; i < n; i++) {
            t += span / n;
            var id = payment(t, c.card(), String.format(Locale.ROOT, "T-%s-%04d", c.home(), random.nextInt(200)),
                    round(c.typical() * (0.3 + random.nextDouble() * 1.7)), c.home(), "pos", kase, "burst");
            first = first == null ? id : first;
        }
        report(t + days(2 + random.nextDouble() * 8), first, c.card(), null, "chargeback");
    }

    /**
     * A few terminals skim every card used there for some days; a share of those cards is misused
     * abroad days later, and the terminal is reported once the pattern is found. Their owners keep
     * paying as usual until their own card is reported.
     */
    private List<Runnable> compromisedTerminals(List<Customer> customers, long start, long end) {
        var out = new ArrayList<Runnable>();
        int count = Math.max(1, settings.customers() / 700);
        for (int k = 0; k < count; k++) {
            var victim = customers.get(random.nextInt(customers.size()));
            var terminal = victim.terminals().get(0);
            long from = start + days(1 + random.nextDouble() * 3);
            long until = from + days(2 + random.nextDouble() * 3);
            var skimmed = customers.stream().filter(c -> c.terminals().contains(terminal) && !fraudCards.contains(c.card())).toList();
            var kase = "case-" + (++cases);
            out.add(() -> report(until + days(1 + random.nextDouble() * 4), null, null, terminal, "compromised"));
            for (var c : skimmed) {
                if (random.nextDouble() >= 0.5) {
                    continue;
                }
                fraudCards.add(c.card());
                long misuse = until + days(1 + random.nextDouble() * 5);
                long reported = misuse + days(2 + random.nextDouble() * 6);
                out.add(() -> {
                    normal(c, start, end, reported);
                    var country = FRAUD_COUNTRIES[random.nextInt(FRAUD_COUNTRIES.length)];
                    int n = 1 + random.nextInt(3);
                    long t = misuse;
                    String first = null;
                    for (int i = 0; i < n; i++) {
                        t += minutes(10 + random.nextDouble() * 120);
                        var id = payment(t, c.card(), String.format(Locale.ROOT, "A-%s-%03d", country, random.nextInt(40)),
                                20 * (5 + random.nextInt(36)), country, "atm", kase, "compromised terminal");
                        first = first == null ? id : first;
                    }
                    report(reported, first, c.card(), null, "fraud");
                });
            }
        }
        return out;
    }

    private String payment(long time, String card, String terminal, double amount, String country, String channel, String kase,
                           String kind) {
        var id = String.format(Locale.ROOT, "tx-%07d", ++nextTransaction);
        var node = json.createObjectNode().put("type", "Transaction").put("id", id).put("time", Instant.ofEpochMilli(time).toString())
                .put("cardId", card).put("terminalId", terminal).put("amount", amount).put("currency", "EUR").put("country", country)
                .put("channel", channel);
        events.add(new Line(time, node));
        if (kase != null) {
            fraudCards.add(card);
            labels.add(json.createObjectNode().put("transactionId", id).put("cardId", card).put("case", kase).put("kind", kind)
                    .put("time", time));
        }
        return id;
    }

    private void report(long time, String transaction, String card, String terminal, String kind) {
        var node = json.createObjectNode().put("type", "FraudReport").put("id", String.format(Locale.ROOT, "fr-%05d", ++nextReport))
                .put("time", Instant.ofEpochMilli(time).toString()).put("kind", kind);
        if (transaction != null) {
            node.put("transactionId", transaction);
        }
        if (card != null) {
            node.put("cardId", card);
        }
        if (terminal != null) {
            node.put("terminalId", terminal);
        }
        events.add(new Line(time, node));
    }

    private double amount(double typical) {
        // Log-normal around the customer's typical amount.
        return round(Math.max(0.5, typical * Math.exp(0.5 * random.nextGaussian() - 0.125)));
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

    private String pick(String[] values, double[] weights) {
        double r = random.nextDouble();
        for (int i = 0; i < values.length; i++) {
            r -= weights[i];
            if (r < 0) {
                return values[i];
            }
        }
        return values[values.length - 1];
    }

    private static long days(double d) {
        return (long) (d * 86_400_000);
    }

    private static long minutes(double m) {
        return (long) (m * 60_000);
    }
}
