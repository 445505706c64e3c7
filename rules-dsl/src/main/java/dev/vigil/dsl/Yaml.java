package dev.vigil.dsl;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import java.util.ArrayList;
import java.util.List;

/**
 * YAML read into a tree that remembers where every key and value was written, so that each
 * diagnostic can point at the exact line and column.
 */
final class Yaml {
    private static final YAMLFactory FACTORY = new YAMLFactory();

    private Yaml() {
    }

    /** Where something was written: 1-based line and column. */
    record Pos(int line, int column) {
        Pos moved(int columns) {
            return new Pos(line, column + columns);
        }
    }

    /** A YAML value. */
    sealed interface Node permits Scalar, Mapping, Sequence {
        Pos pos();

        /** What the value is, for messages: "a text", "a list", "a mapping". */
        String kind();
    }

    /**
     * A scalar as written. {@code contentPos} is where its text starts (after an opening quote);
     * {@code null} is true for an empty value or {@code null}.
     */
    record Scalar(String text, boolean isNumber, boolean isNull, Pos pos, Pos contentPos) implements Node {
        @Override
        public String kind() {
            return isNull ? "empty" : isNumber ? "a number" : "a text";
        }
    }

    /** One key of a mapping and its value. */
    record Entry(String key, Pos keyPos, Node value) {
    }

    /** A mapping, in the order it was written. */
    record Mapping(List<Entry> entries, Pos pos) implements Node {
        @Override
        public String kind() {
            return "a mapping";
        }

        Entry entry(String key) {
            for (var e : entries) {
                if (e.key.equals(key)) {
                    return e;
                }
            }
            return null;
        }
    }

    /** A list. */
    record Sequence(List<Node> items, Pos pos) implements Node {
        @Override
        public String kind() {
            return "a list";
        }
    }

    /** A YAML syntax error at a position. */
    static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;
        final Pos pos;

        SyntaxError(Pos pos, String message) {
            super(message);
            this.pos = pos;
        }
    }

    /** The documents of {@code text}, each a tree; a {@link SyntaxError} at the first thing that is not YAML. */
    static List<Node> documents(String text) throws SyntaxError {
        var lines = text.split("\n", -1);
        var documents = new ArrayList<Node>();
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                documents.add(read(parser, token, lines));
            }
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            var pos = at == null ? new Pos(1, 1) : new Pos(Math.max(1, at.getLineNr()), Math.max(1, at.getColumnNr()));
            var reason = e.getOriginalMessage().lines().findFirst().orElse("").trim();
            var context = reason;
            if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
                // The parser's own marks: where the problem is, and what it is, beyond "while scanning ...".
                var mark = marked.getProblemMark();
                pos = new Pos(mark.getLine() + 1, mark.getColumn() + 1);
                reason = marked.getProblem() == null ? reason : marked.getProblem().lines().findFirst().orElse("").trim()
                        .replaceAll("found (.)\\(\\d+\\)", "found '$1'");
            }
            throw new SyntaxError(pos, "not valid YAML: " + reason + hint(lines, pos.line(), context));
        } catch (IOException e) {
            throw new SyntaxError(new Pos(1, 1), "not valid YAML: " + e.getMessage());
        }
        return documents;
    }

    /** YAML reads {@code count: > 5} as a folded block: the usual slip when writing thresholds. */
    private static String hint(String[] lines, int line, String reason) {
        if (reason.contains("flow")) {
            return " (inside { } or [ ], quote a value that holds a comma, a bracket, a brace or ': ', as in where: 'status in [\"a\", \"b\"]')";
        }
        for (int i = Math.max(0, line - 2); i < Math.min(lines.length, line + 1); i++) {
            if (lines[i].matches(".*:\\s*[>|][^>|]*\\S.*") && !lines[i].matches(".*:\\s*[>|][-+]?\\d?\\s*(#.*)?$")) {
                return " (a value that starts with > or | must be quoted: count: \"> 5\")";
            }
        }
        return "";
    }

    private static Node read(JsonParser parser, JsonToken token, String[] lines) throws IOException, SyntaxError {
        var pos = pos(parser.currentTokenLocation());
        switch (token) {
            case START_OBJECT -> {
                var entries = new ArrayList<Entry>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    var key = parser.currentName();
                    var keyPos = pos(parser.currentTokenLocation());
                    for (var e : entries) {
                        if (e.key.equals(key)) {
                            throw new SyntaxError(keyPos, "'" + key + "' is given twice (first at line " + e.keyPos.line() + ")");
                        }
                    }
                    entries.add(new Entry(key, keyPos, read(parser, parser.nextToken(), lines)));
                }
                return new Mapping(List.copyOf(entries), pos);
            }
            case START_ARRAY -> {
                var items = new ArrayList<Node>();
                JsonToken next;
                while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
                    items.add(read(parser, next, lines));
                }
                return new Sequence(List.copyOf(items), pos);
            }
            case VALUE_NULL -> {
                return new Scalar("", false, true, pos, pos);
            }
            default -> {
                var text = parser.getText();
                boolean number = token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT;
                return new Scalar(text, number, false, pos, quoted(lines, pos) ? pos.moved(1) : pos);
            }
        }
    }

    private static boolean quoted(String[] lines, Pos pos) {
        if (pos.line() < 1 || pos.line() > lines.length) {
            return false;
        }
        var line = lines[pos.line() - 1];
        int i = pos.column() - 1;
        return i >= 0 && i < line.length() && (line.charAt(i) == '"' || line.charAt(i) == '\'');
    }

    private static Pos pos(JsonLocation location) {
        return new Pos(Math.max(1, location.getLineNr()), Math.max(1, location.getColumnNr()));
    }
}
