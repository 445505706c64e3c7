package dev.vigil.samples.fraud;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A shape of the fraud sample's data: what its payments carry and how fraud is reported. Each
 * axis left open is drawn per data set from the seed, except spending, which is then mixed per
 * card. Written as {@code +}-joined words, e.g. {@code plain+per-payment+delay-7d+bare}.
 *
 * @param world    {@code rich}: channels (pos, atm, online), countries, travel; {@code plain}: every
 *                 payment "pos" in one country, so neither carries information
 * @param spending {@code lognormal}, {@code uniform} (up to twice the card's mean) or {@code normal}
 *                 (standard deviation half the mean) for every card
 * @param reports  {@code per-payment}: one report per fraudulent payment; {@code per-case}: one per
 *                 card and case, naming its first fraudulent payment
 * @param delay    {@code delay-7d}: reports exactly 7 days after the payment; {@code delay-random}: 2 to 10 days
 * @param detail   {@code full}: reports carry the payment's terminal and a kind; {@code bare}: neither
 */
public record FraudVariant(String world, String spending, String reports, String delay, String detail) {
    private static final List<List<String>> AXES = List.of(List.of("rich", "plain"), List.of("lognormal", "uniform", "normal"),
            List.of("per-payment", "per-case"), List.of("delay-7d", "delay-random"), List.of("full", "bare"));

    /** Every axis open: drawn from the seed. */
    public static final FraudVariant MIXED = new FraudVariant(null, null, null, null, null);

    /** The variant a text names: {@code mixed}, or words of the axes joined by {@code +}. */
    public static FraudVariant parse(String text) {
        var values = new String[AXES.size()];
        if (!text.equals("mixed")) {
            for (var word : text.toLowerCase(Locale.ROOT).split("\\+")) {
                int axis = axisOf(word);
                if (values[axis] != null) {
                    throw new IllegalArgumentException("variant " + text + " sets " + values[axis] + " and " + word + ": choose one");
                }
                values[axis] = word;
            }
        }
        return new FraudVariant(values[0], values[1], values[2], values[3], values[4]);
    }

    private static int axisOf(String word) {
        for (int i = 0; i < AXES.size(); i++) {
            if (AXES.get(i).contains(word)) {
                return i;
            }
        }
        var all = new ArrayList<String>();
        AXES.forEach(all::addAll);
        throw new IllegalArgumentException("unknown variant word '" + word + "': use mixed or words of " + String.join(", ", all)
                + " joined by +");
    }

    /** This variant with its open axes but spending drawn from {@code random}. */
    FraudVariant resolve(Random random) {
        return new FraudVariant(or(world, random, 0), spending, or(reports, random, 2), or(delay, random, 3), or(detail, random, 4));
    }

    private static String or(String value, Random random, int axis) {
        var choices = AXES.get(axis);
        String drawn = choices.get(random.nextInt(choices.size()));
        return value != null ? value : drawn;
    }

    boolean plain() {
        return "plain".equals(world);
    }

    @Override
    public String toString() {
        var words = new ArrayList<String>();
        for (var w : new String[] {world, spending == null ? "mixed-spending" : spending, reports, delay, detail}) {
            if (w != null) {
                words.add(w);
            }
        }
        return words.isEmpty() ? "mixed" : String.join("+", words);
    }
}
