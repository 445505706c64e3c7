package dev.vigil.engine.ruleset;

import java.util.ArrayList;
import java.util.List;

/**
 * The links of an MVEL property chain as MVEL keeps it in one node: {@code $t.card.getId()[0]} is
 * the property {@code $t}, the property {@code card}, the call {@code getId()} and the index
 * {@code [0]}. Only splits: what each link means is resolved by MVEL (see {@link MvelCheck}).
 */
final class ChainLinks {
    enum Kind { PROPERTY, METHOD, INDEX, BLOCK }

    /**
     * One link: its name (a property or method), its arguments or index text, and the offset in the
     * chain's text just past it.
     */
    record Link(Kind kind, String name, String arguments, int end) {
    }

    private ChainLinks() {
    }

    static List<Link> split(String text) {
        var links = new ArrayList<Link>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || c == '.' || c == '?') {
                i++;
            } else if (c == '[' || c == '{') {
                int close = closing(text, i);
                links.add(new Link(c == '[' ? Kind.INDEX : Kind.BLOCK, "", text.substring(i + 1, close), close + 1));
                i = close + 1;
            } else if (Character.isJavaIdentifierStart(c)) {
                int start = i;
                while (i < n && Character.isJavaIdentifierPart(text.charAt(i))) {
                    i++;
                }
                var name = text.substring(start, i);
                int next = i;
                while (next < n && Character.isWhitespace(text.charAt(next))) {
                    next++;
                }
                if (next < n && text.charAt(next) == '(') {
                    int close = closing(text, next);
                    links.add(new Link(Kind.METHOD, name, text.substring(next + 1, close), close + 1));
                    i = close + 1;
                } else {
                    links.add(new Link(Kind.PROPERTY, name, "", i));
                }
            } else {
                throw new IllegalArgumentException("unexpected '" + c + "' at " + i + " in '" + text + "'");
            }
        }
        return links;
    }

    /** The offset of the bracket that closes the one at {@code open}, skipping string and character literals. */
    private static int closing(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\'') {
                i++;
                while (i < text.length() && text.charAt(i) != c) {
                    i += text.charAt(i) == '\\' ? 2 : 1;
                }
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                if (--depth == 0) {
                    return i;
                }
            }
        }
        throw new IllegalArgumentException("unbalanced '" + text.charAt(open) + "' in '" + text + "'");
    }
}
