package dev.vigil.dsl;

import java.util.Collection;
import java.util.Locale;

/** "Did you mean": the accepted word nearest to a misspelt one. */
final class Words {
    private Words() {
    }

    /** The word of {@code accepted} within two edits of {@code written} (ignoring case), or null. */
    static String closest(String written, Collection<String> accepted) {
        String best = null;
        int bestDistance = 3;
        for (var candidate : accepted) {
            int d = distance(written.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        var previous = new int[b.length() + 1];
        var current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            var swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
