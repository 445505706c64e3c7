package dev.vigil.dsl;

import dev.vigil.dsl.Yaml.Pos;
import java.util.ArrayList;
import java.util.List;

/**
 * A message or attribute written with placeholders: {@code "Card {cardId}: {count} transactions"}.
 * {@code {{} and {@code }}} stand for braces themselves.
 *
 * @param parts the text and the placeholders, in order
 * @param pos   where the text starts in the rule file
 */
record Template(List<Part> parts, Pos pos) {
    /** A piece of a template. */
    sealed interface Part {
    }

    /** Text as written. */
    record Text(String text) implements Part {
    }

    /** {@code {name}} or {@code {step.name}}, {@code at} the offset of the name in the template. */
    record Placeholder(String name, int at) implements Part {
    }

    /** A template that is only text. */
    static Template text(String text, Pos pos) {
        return new Template(text.isEmpty() ? List.of() : List.of(new Text(text)), pos);
    }

    /** The template {@code text} holds; {@link ExprParser.ParseException} at an unclosed or empty placeholder. */
    static Template parse(String text, Pos pos) throws ExprParser.ParseException {
        var parts = new ArrayList<Part>();
        var literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '{' && i + 1 < text.length() && text.charAt(i + 1) == '{' || c == '}' && i + 1 < text.length() && text.charAt(i + 1) == '}') {
                literal.append(c);
                i += 2;
            } else if (c == '{') {
                int close = text.indexOf('}', i);
                if (close < 0) {
                    throw new ExprParser.ParseException(i, "the placeholder opened here has no closing '}' (write {{ for a brace)");
                }
                var name = text.substring(i + 1, close).trim();
                if (!name.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?")) {
                    throw new ExprParser.ParseException(i, "'{" + text.substring(i + 1, close) + "}' is not a placeholder: write {field}, {figure} or {step.field}");
                }
                if (!literal.isEmpty()) {
                    parts.add(new Text(literal.toString()));
                    literal.setLength(0);
                }
                parts.add(new Placeholder(name, i + 1));
                i = close + 1;
            } else {
                literal.append(c);
                i++;
            }
        }
        if (!literal.isEmpty()) {
            parts.add(new Text(literal.toString()));
        }
        return new Template(List.copyOf(parts), pos);
    }

    /** The whole template is one placeholder: its value keeps its type (a number stays a number). */
    boolean isSinglePlaceholder() {
        return parts.size() == 1 && parts.get(0) instanceof Placeholder;
    }
}
